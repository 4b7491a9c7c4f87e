using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Kpis.Returns;
using static KpiPipeline.Kpis.Tests.EpisodeBuilder;

namespace KpiPipeline.Kpis.Tests;

/// <summary>One provider's fold: its validation history (W02, W03) and its restore into a new fold that goes on as the old one.</summary>
public class ProviderFoldTests
{
    private static readonly EpisodeBuilder Episode = new EpisodeBuilder().WithId("E1");

    private static ReturnPath PathOf(string month, ReturnFileKind kind = ReturnFileKind.Episodes) => ReturnsBuilder.PathOf("P1", month, kind);

    [Fact]
    public void Open_before_a_later_month_is_what_the_latest_episodes_file_left_open_and_unknown_for_a_month_not_after_it()
    {
        var fold = new ProviderFold("P1");
        Assert.Empty(fold.OpenBefore(new ReportingMonth(2025, 4))!);

        fold.AddEpisodes(PathOf("2025-04"), [Episode.Build(), Episode.WithId("E2").Exited("2025-04-20", ExitReason.DROPPED_OUT).Build(), Episode.WithId("E3").Deleted().Build()]);
        fold.AddEpisodes(PathOf("2025-05"), [Episode.Build(), Episode.WithId("E4").Build()]);

        Assert.Equal(["E1", "E4"], fold.OpenBefore(new ReportingMonth(2025, 6))!.Select(e => e.EpisodeId).Order(StringComparer.Ordinal));
        Assert.Null(fold.OpenBefore(new ReportingMonth(2025, 5)));
        Assert.Null(fold.OpenBefore(new ReportingMonth(2025, 3)));
        Assert.Equal(["E1", "E2", "E3", "E4"], fold.KnownEpisodeIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Open_before_names_the_month_and_row_each_open_episode_stood_on_in_the_latest_file_also_after_a_restore()
    {
        var fold = new ProviderFold("P1");
        fold.AddEpisodes(PathOf("2025-04"), [Episode.Build(), Episode.WithId("E2").Build(), Episode.WithId("E3").Build()]);
        fold.AddEpisodes(PathOf("2025-05"),
            [Episode.WithId("E3").Build(), Episode.WithId("E2").Exited("2025-05-20", ExitReason.DROPPED_OUT).Build(), Episode.WithId("E4").Build(), Episode.Build()]);
        var restored = new ProviderFold("P1");
        restored.RestoreEpisodes(fold.FilesOf(ReturnFileKind.Episodes), fold.LatestEpisodes.ToList(), fold.MissingEvents);

        // Rows of the 2025-05 file, in the order the episodes first appeared (E1, E3, E4).
        var may = new ReportingMonth(2025, 5);
        OpenEpisode[] expected = [new("E1", may, 4), new("E3", may, 1), new("E4", may, 3)];
        Assert.Equal(expected, fold.OpenBefore(new ReportingMonth(2025, 6))!);
        Assert.Equal(expected, restored.OpenBefore(new ReportingMonth(2025, 6))!);
    }

    [Fact]
    public void Deleted_episodes_are_those_whose_latest_row_is_DELETED_and_one_sent_again_as_ACTIVE_is_not()
    {
        var fold = new ProviderFold("P1");
        fold.AddEpisodes(PathOf("2025-04"), [Episode.Build(), Episode.WithId("E2").Deleted().Build(), Episode.WithId("E3").Build()]);
        Assert.Equal(["E2"], fold.DeletedEpisodeIds);

        fold.AddEpisodes(PathOf("2025-05"), [Episode.Deleted().Build(), Episode.WithId("E2").Build(), Episode.WithId("E3").Build()]);
        Assert.Equal(["E1"], fold.DeletedEpisodeIds);

        // Two rows of one episode in one file: the last says.
        fold.AddEpisodes(PathOf("2025-06"), [Episode.Build(), Episode.Deleted().Build(), Episode.WithId("E3").Deleted().Build(), Episode.WithId("E3").Build()]);
        Assert.Equal(["E1"], fold.DeletedEpisodeIds);
    }

    [Fact]
    public void An_episode_sent_twice_in_one_file_is_open_or_not_as_its_last_row_says()
    {
        var fold = new ProviderFold("P1");
        fold.AddEpisodes(PathOf("2025-04"),
        [
            Episode.Build(), Episode.Exited("2025-04-20", ExitReason.DROPPED_OUT).Build(),
            Episode.WithId("E2").Exited("2025-04-20", ExitReason.DROPPED_OUT).Build(), Episode.WithId("E2").Build(),
            Episode.WithId("E3").Build(),
        ]);

        Assert.Equal(["E2", "E3"], fold.OpenBefore(new ReportingMonth(2025, 5))!.Select(e => e.EpisodeId).Order(StringComparer.Ordinal));
        fold.AddEpisodes(PathOf("2025-05"), [Episode.WithId("E3").Build()]);
        Assert.Equal(["E2"], fold.MissingEvents.Select(e => e.EpisodeId));
    }

    [Fact]
    public void Episodes_that_went_missing_are_found_in_the_order_they_first_appeared_however_the_file_orders_them()
    {
        var fold = new ProviderFold("P1");
        fold.AddEpisodes(PathOf("2025-04"), [Episode.WithId("E1").Build(), Episode.WithId("E2").Build(), Episode.WithId("E3").Build()]);
        fold.AddEpisodes(PathOf("2025-05"), [Episode.WithId("E4").Build(), Episode.WithId("E3").Build(), Episode.WithId("E2").Build(), Episode.WithId("E1").Build()]);
        fold.AddEpisodes(PathOf("2025-06"), [Episode.WithId("E5").Build()]);

        Assert.Equal(["E1", "E2", "E3", "E4"], fold.MissingEvents.Select(e => e.EpisodeId));
        Assert.Equal(["E1", "E2", "E3", "E4", "E5"], fold.LatestEpisodes.Select(e => e.Row.EpisodeId));
    }

    [Fact]
    public void A_month_after_the_as_of_date_is_validation_history_but_is_left_out_of_the_fold_with_a_warning()
    {
        var fold = new ProviderFold("P1", D("2025-04-30"));
        fold.AddEpisodes(PathOf("2025-04"), [Episode.Build()]);
        fold.AddEpisodes(PathOf("2025-05"), [Episode.WithId("E2").Build()]);

        Assert.Equal(["E2"], fold.OpenBefore(new ReportingMonth(2025, 6))!.Select(e => e.EpisodeId));
        Assert.Contains("E2", fold.KnownEpisodeIds);
        Assert.Equal(["E1"], fold.LatestEpisodes.Select(e => e.Row.EpisodeId));
        Assert.Equal([PathOf("2025-04")], fold.FilesOf(ReturnFileKind.Episodes));
        Assert.Empty(fold.MissingEvents);
        Assert.Contains(fold.Warnings, w => w.Text.Contains("P1/2025-05/episodes.csv", StringComparison.Ordinal));
    }

    [Fact]
    public void Refuses_a_file_of_another_provider_and_a_restore_into_a_fold_with_an_as_of_date()
    {
        var fold = new ProviderFold("P1");
        Assert.Throws<ArgumentException>(() => fold.AddEpisodes(ReturnsBuilder.PathOf("P2", "2025-04", ReturnFileKind.Episodes), []));
        Assert.Throws<InvalidOperationException>(() => new ProviderFold("P1", D("2025-12-31")).RestoreEpisodes([PathOf("2025-04")], [], []));
    }

    [Fact]
    public void A_fold_restored_from_what_another_fold_holds_goes_on_as_that_fold_whatever_the_months()
    {
        var months = Gen.Choose(0, 5).SelectMany(first => Gen.ListOf(MonthGen).Select(files => (first, files)));
        Prop.ForAll(Arb.From(months), sample =>
        {
            var (split, files) = sample;
            var whole = new ProviderFold("P1");
            var before = new ProviderFold("P1");
            for (var i = 0; i < files.Count; i++)
            {
                Add(whole, i, files[i]);
                if (i < split)
                {
                    Add(before, i, files[i]);
                }
            }

            var restored = new ProviderFold("P1");
            restored.RestoreEpisodes(before.FilesOf(ReturnFileKind.Episodes), before.LatestEpisodes.ToList(), before.MissingEvents);
            restored.RestoreReviews(before.FilesOf(ReturnFileKind.Reviews), before.Reviews.ToList());
            restored.RestoreNsp(before.FilesOf(ReturnFileKind.Nsp), before.Nsp);
            for (var i = split; i < files.Count; i++)
            {
                Add(restored, i, files[i]);
            }

            return Same(whole, restored);
        }).QuickCheckThrowOnFailure();
    }

    private static readonly Gen<(CuratedEpisode[] Episodes, CuratedReview[] Reviews, int Needles)> MonthGen =
        from ids in Gen.ListOf(Gen.Choose(1, 8))
        from exits in Gen.ArrayOf(Gen.Choose(0, 4), ids.Count)
        from reviewDays in Gen.ListOf(Gen.Choose(1, 6))
        from needles in Gen.Choose(0, 50)
        select (
            ids.Distinct().Select((id, i) => exits[i] switch
            {
                0 => Episode.WithId("E" + id).Exited("2025-04-20", ExitReason.DROPPED_OUT).Build(),
                1 => Episode.WithId("E" + id).Deleted().Build(),
                _ => Episode.WithId("E" + id).ForClient("client-" + exits[i]).Build(),
            }).ToArray(),
            reviewDays.Select(day => ReviewBuilder.For(Episode.WithId("E" + day).Build(), $"2025-04-{day:D2}", ReviewStage.REVIEW).WithBarc10(10 + needles % 50).Build()).ToArray(),
            needles);

    private static void Add(ProviderFold fold, int index, (CuratedEpisode[] Episodes, CuratedReview[] Reviews, int Needles) month)
    {
        var name = new ReportingMonth(2024, 1);
        for (var i = 0; i < index; i++)
        {
            name = name.Next;
        }

        fold.AddEpisodes(PathOf(name.ToString()), month.Episodes);
        fold.AddReviews(PathOf(name.ToString(), ReturnFileKind.Reviews), month.Reviews);
        fold.AddNsp(PathOf(name.ToString(), ReturnFileKind.Nsp), [new NspMonthTotals("P1", name, 1, month.Needles, 0, 0, 0)]);
    }

    private static bool Same(ProviderFold a, ProviderFold b) =>
        Enum.GetValues<ReturnFileKind>().All(kind => a.FilesOf(kind).SequenceEqual(b.FilesOf(kind)))
        && a.LatestEpisodes.SequenceEqual(b.LatestEpisodes)
        && a.MissingEvents.SequenceEqual(b.MissingEvents)
        && a.Reviews.SequenceEqual(b.Reviews)
        && a.Nsp.SequenceEqual(b.Nsp)
        && a.KnownEpisodeIds.SetEquals(b.KnownEpisodeIds)
        && a.DeletedEpisodeIds.SetEquals(b.DeletedEpisodeIds)
        && a.OpenBefore(new ReportingMonth(9000, 1))!.OrderBy(e => e.EpisodeId, StringComparer.Ordinal)
            .SequenceEqual(b.OpenBefore(new ReportingMonth(9000, 1))!.OrderBy(e => e.EpisodeId, StringComparer.Ordinal));
}
