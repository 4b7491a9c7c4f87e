using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Synthetic.Tests;

/// <summary>Every generated row passes the dataset rules (checked by an independent checker).</summary>
public sealed class GeneratedReturnsRulesTests(DemoReturns demo) : IClassFixture<DemoReturns>
{
    [Fact]
    public void Every_episodes_row_obeys_the_dataset_rules()
    {
        var rows = 0;
        foreach (var (path, file) in demo.Returns(ReturnFileKind.Episodes))
        {
            Assert.Empty(ReturnRulesChecker.CheckEpisodes(path.ProviderCode, path.Month.LastDay, file.Content));
            rows += ReturnRulesChecker.Rows(file.Content, out _).Count;
        }

        Assert.True(rows > 1000);
    }

    [Fact]
    public void Every_reviews_row_obeys_the_dataset_rules_and_names_a_known_episode()
    {
        var knownEpisodes = demo.Returns(ReturnFileKind.Episodes)
            .SelectMany(x => ReturnRulesChecker.Rows(x.File.Content, out _).Select(r => (x.Path.ProviderCode, r["episode_id"])))
            .ToHashSet();
        foreach (var (path, file) in demo.Returns(ReturnFileKind.Reviews))
        {
            Assert.Empty(ReturnRulesChecker.CheckReviews(path.ProviderCode, path.Month.FirstDay, path.Month.LastDay, file.Content));
            Assert.All(ReturnRulesChecker.Rows(file.Content, out _), r => Assert.Contains((path.ProviderCode, r["episode_id"]), knownEpisodes));
        }
    }

    [Fact]
    public void Every_nsp_row_obeys_the_dataset_rules()
    {
        foreach (var (path, file) in demo.Returns(ReturnFileKind.Nsp))
        {
            Assert.Empty(ReturnRulesChecker.CheckNsp(path.ProviderCode, path.Month.FirstDay, path.Month.LastDay, file.Content));
        }
    }

    [Fact]
    public void Every_workforce_file_is_one_row_that_obeys_the_dataset_rules_without_a_warning()
    {
        var files = demo.Returns(ReturnFileKind.Workforce).ToList();

        Assert.NotEmpty(files);
        Assert.All(files, x => Assert.Empty(ReturnRulesChecker.CheckWorkforce(x.Path.ProviderCode, x.File.Content)));
    }

    [Fact]
    public void An_episode_open_at_a_month_end_is_in_the_next_months_file()
    {
        var byMonth = demo.Returns(ReturnFileKind.Episodes)
            .ToDictionary(x => (x.Path.ProviderCode, x.Path.Month), x => ReturnRulesChecker.Rows(x.File.Content, out _));
        foreach (var ((provider, month), rows) in byMonth)
        {
            if (!byMonth.TryGetValue((provider, month.Next), out var next))
            {
                continue;
            }

            var nextIds = next.Select(r => r["episode_id"]).ToHashSet();
            Assert.All(rows.Where(r => r["exit_date"] == "" && r["record_status"] == "ACTIVE"), r => Assert.Contains(r["episode_id"], nextIds));
        }
    }

    [Fact]
    public void Exit_fields_appear_only_once_the_episode_has_exited()
    {
        var firstExitMonth = new Dictionary<(string, string), ReportingMonth>();
        foreach (var (path, file) in demo.Returns(ReturnFileKind.Episodes).OrderBy(x => x.Path.Month))
        {
            foreach (var row in ReturnRulesChecker.Rows(file.Content, out _).Where(r => r["exit_date"] != ""))
            {
                var exitMonth = ReportingMonth.Of(ReturnRulesChecker.Date(row["exit_date"])!.Value);
                Assert.True(exitMonth <= path.Month);
                firstExitMonth.TryAdd((path.ProviderCode, row["episode_id"]), path.Month);
            }
        }

        Assert.NotEmpty(firstExitMonth);
    }

    [Fact]
    public void Some_older_episodes_are_corrected_and_some_duplicates_withdrawn_as_deleted()
    {
        var options = SyntheticOptions.Demo with { PeoplePerProvider = 600 };
        var files = new SyntheticReturnsGenerator(options).EnumerateFiles()
            .Where(f => f.BlobName.EndsWith("episodes.csv", StringComparison.Ordinal)).ToList();
        var corrections = 0;
        var deleted = 0;
        foreach (var file in files)
        {
            Assert.True(ReturnPath.TryParse(file.BlobName, out var path, out _));
            foreach (var row in ReturnRulesChecker.Rows(file.Content, out _))
            {
                if (ReturnRulesChecker.Date(row["exit_date"]) is { } exit && exit < path!.Month.FirstDay)
                {
                    corrections++;
                }

                if (row["record_status"] == "DELETED")
                {
                    deleted++;
                }
            }
        }

        Assert.True(corrections > 0);
        Assert.True(deleted > 0);
    }
}
