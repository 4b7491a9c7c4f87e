using FsCheck.Fluent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using static KpiPipeline.Core.Tests.Fixture;

namespace KpiPipeline.Core.Tests;

public class UnchangedEpisodeRowsTests
{
    private static readonly string Other = EpisodeRow(("episode_id", "EP2"), ("first_initial", "A"));

    /// <summary>Headers that swap two column names over the same rows: the same bytes are then other values.</summary>
    private static readonly string[] SwappedHeaders =
    [
        Swap("referral_date", "treatment_start_date"),
        Swap("first_initial", "last_initial"),
        Swap("treatment_start_date", "exit_date"),
        Swap("setting", "medication"),
        Swap("sex", "first_initial"),
    ];

    [Fact]
    public async Task Reuses_the_curated_row_of_an_episode_sent_unchanged_in_a_later_month()
    {
        var memory = new UnchangedEpisodeRows();
        var march = await Month(memory, "2024-03", GoodEpisode, Other);
        var april = await Month(memory, "2024-04", GoodEpisode, Other);

        Assert.True(april.Report.Accepted);
        Assert.Same(march.Sink.Episodes[0], april.Sink.Episodes[0]);
        Assert.Same(march.Sink.Episodes[1], april.Sink.Episodes[1]);
        Assert.Equal(2, memory.Count);
    }

    [Fact]
    public async Task Checks_a_changed_row_again_and_rejects_what_is_now_wrong()
    {
        var memory = new UnchangedEpisodeRows();
        await Month(memory, "2024-03", GoodEpisode);
        var april = await Month(memory, "2024-04", EpisodeRow(("exit_date", "2024-01-19"), ("exit_reason", "DROPPED_OUT")));

        Assert.Equal(["E13"], Rules(april.Report));
        Assert.Empty(april.Sink.Episodes);
    }

    [Fact]
    public async Task Still_rejects_an_unchanged_row_sent_twice_in_one_file()
    {
        var memory = new UnchangedEpisodeRows();
        await Month(memory, "2024-03", GoodEpisode);
        var april = await Month(memory, "2024-04", GoodEpisode, GoodEpisode);

        var issue = Assert.Single(april.Report.Issues);
        Assert.Equal(("E02", 2L), (issue.RuleId, issue.Row!.Value));
    }

    [Fact]
    public async Task Checks_the_same_bytes_again_under_a_header_that_swaps_two_column_names()
    {
        var memory = new UnchangedEpisodeRows();
        await Month(memory, "2024-03", GoodEpisode);
        var april = await MonthUnder(memory, Swap("referral_date", "treatment_start_date"), "2024-04", GoodEpisode);

        Assert.Equal(["E09"], Rules(april.Report));
        Assert.Empty(april.Sink.Episodes);
    }

    [Fact]
    public async Task Pseudonymises_again_when_the_header_swaps_the_initials()
    {
        var memory = new UnchangedEpisodeRows();
        var march = await Month(memory, "2024-03", GoodEpisode);
        var april = await MonthUnder(memory, Swap("first_initial", "last_initial"), "2024-04", GoodEpisode);
        var checkedAll = await MonthUnder(null, Swap("first_initial", "last_initial"), "2024-04", GoodEpisode);

        Assert.True(april.Report.Accepted);
        Assert.NotEqual(march.Sink.Episodes[0].ClientKey, april.Sink.Episodes[0].ClientKey);
        Assert.Equal(checkedAll.Sink.Episodes, april.Sink.Episodes);
    }

    [Fact]
    public async Task Reuses_rows_under_a_header_that_differs_only_in_case_and_spaces()
    {
        var memory = new UnchangedEpisodeRows();
        var march = await Month(memory, "2024-03", GoodEpisode);
        var april = await MonthUnder(memory, EpisodesHeader.ToUpperInvariant().Replace(",", " , ", StringComparison.Ordinal), "2024-04", GoodEpisode);

        Assert.True(april.Report.Accepted);
        Assert.Same(march.Sink.Episodes[0], april.Sink.Episodes[0]);
    }

    [Fact]
    public async Task Reports_the_warnings_of_an_unchanged_row_every_month()
    {
        var late = EpisodeRow(("referral_date", "2022-01-10"));
        var memory = new UnchangedEpisodeRows();
        var march = await Month(memory, "2024-03", late);
        var april = await Month(memory, "2024-04", late);

        Assert.Equal(["W01"], Rules(march.Report));
        Assert.Equal(["W01"], Rules(april.Report));
        Assert.Equal(0, memory.Count);
    }

    [Fact]
    public async Task Remembers_nothing_of_a_rejected_file()
    {
        var memory = new UnchangedEpisodeRows();
        var march = await Month(memory, "2024-03", GoodEpisode, EpisodeRow(("episode_id", "EP2"), ("sex", "Q")));

        Assert.False(march.Report.Accepted);
        Assert.Equal(0, memory.Count);
    }

    [Fact]
    public async Task Does_not_carry_a_row_back_to_an_earlier_month()
    {
        var memory = new UnchangedEpisodeRows();
        var april = await Month(memory, "2024-04", GoodEpisode);
        var march = await Month(memory, "2024-03", GoodEpisode);

        Assert.True(march.Report.Accepted);
        Assert.NotSame(april.Sink.Episodes[0], march.Sink.Episodes[0]);
    }

    /// <summary>
    /// For any months of returns made of good and spoilt rows, each under the usual header or one that swaps two column
    /// names, validating with the memory of unchanged rows gives the same reports and the same curated rows as checking
    /// every row.
    /// </summary>
    [Fact]
    public void Validating_with_unchanged_rows_remembered_changes_no_report_and_no_row()
    {
        string[] variants =
        [
            GoodEpisode,
            Other,
            EpisodeRow(("episode_id", "EP3"), ("daily_dose_mg", "80")),
            EpisodeRow(("episode_id", "EP3"), ("daily_dose_mg", "90")),
            EpisodeRow(("referral_date", "2022-01-10")),
            EpisodeRow(("exit_date", "2024-03-19"), ("exit_reason", "DROPPED_OUT")),
            EpisodeRow(("exit_date", "2024-04-19"), ("exit_reason", "DROPPED_OUT")),
            EpisodeRow(("episode_id", "EP2"), ("sex", "Q")),
            EpisodeRow(("episode_id", "EP3"), ("treatment_start_date", "2024-05-02")),
        ];
        string[] headers = [EpisodesHeader, EpisodesHeader, .. SwappedHeaders];
        var month = Gen.Zip(Gen.Elements(headers), Gen.ListOf(Gen.Elements(variants)).Select(rows => rows.Take(4).ToArray()));
        var months = Gen.ListOf(month).Select(list => list.Take(4).ToArray());

        CheckProperty(months, returns =>
        {
            var memory = new UnchangedEpisodeRows();
            for (var m = 0; m < returns.Length; m++)
            {
                var name = $"2024-{m + 3:00}";
                var (header, rows) = returns[m];
                var remembered = MonthUnder(memory, header, name, rows).GetAwaiter().GetResult();
                var checkedAll = MonthUnder(null, header, name, rows).GetAwaiter().GetResult();
                if (!Rules(remembered.Report).SequenceEqual(Rules(checkedAll.Report))
                    || !remembered.Report.Issues.Select(i => (i.RuleId, i.Row, i.Column)).SequenceEqual(checkedAll.Report.Issues.Select(i => (i.RuleId, i.Row, i.Column)))
                    || !remembered.Sink.Episodes.SequenceEqual(checkedAll.Sink.Episodes))
                {
                    return false;
                }
            }

            return true;
        }, tests: 150);
    }

    private static Task<(ValidationReport Report, CollectingRowSink Sink)> Month(UnchangedEpisodeRows? memory, string month, params string[] rows) =>
        MonthUnder(memory, EpisodesHeader, month, rows);

    /// <summary>A month of <paramref name="rows"/> (in the usual column order) sent under <paramref name="header"/>.</summary>
    private static async Task<(ValidationReport Report, CollectingRowSink Sink)> MonthUnder(
        UnchangedEpisodeRows? memory, string header, string month, params string[] rows)
    {
        var context = Context();
        var (report, sink) = await Upload($"PROV1/{month}/episodes.csv", Lines(header, rows),
            new ValidationContext
            {
                Reference = context.Reference,
                Pseudonymiser = context.Pseudonymiser,
                UploadedAt = new DateTimeOffset(2025, 1, 5, 10, 0, 0, TimeSpan.Zero),
                KnownEpisodeIds = context.KnownEpisodeIds,
                UnchangedRows = memory,
            });
        if (memory is not null)
        {
            if (report.Accepted)
            {
                memory.FileAccepted(MonthOf(month));
            }
            else
            {
                memory.FileRejected();
            }
        }

        return (report, sink);
    }

    /// <summary>The episodes header with two column names swapped.</summary>
    private static string Swap(string first, string second) =>
        string.Join(",", EpisodesHeader.Split(',').Select(name => name == first ? second : name == second ? first : name));

    private static ReportingMonth MonthOf(string text) =>
        ReportingMonth.TryParse(text, out var month) ? month : throw new ArgumentException(text, nameof(text));
}
