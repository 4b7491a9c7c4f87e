using System.Collections.Concurrent;
using KpiPipeline.Kpis;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Disclosure;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Pipeline.Publishing.Scorecards;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>
/// Writes the two Hive-partitioned datasets and the catalogue (outputs.md sections 1–2): one file per period and dataset,
/// each replaced whole. Disclosure control is applied here, as the last step before the public files are written. The
/// scorecards (<see cref="ScorecardPublisher"/>) are rendered from the very rows each period's files were written from.
/// A publication is exactly the periods it computed: once everything is written (and the store has finished every write it
/// had under way), every file under the datasets' and the scorecards' folders that this run did not write or leave
/// unchanged (a period an earlier run computed and this one did not, such as the quarters before the earliest referral
/// after a correction, or an interrupted write's temporary file) is removed.
/// </summary>
public static class KpiPublisher
{
    public const string RestrictedPrefix = "restricted/kpi_results";
    public const string PublicPrefix = "public/kpi_results";
    public const string CatalogueFile = "kpi_catalogue.parquet";

    /// <summary>The areas with their names and nations (<see cref="KpiAreasParquet"/>).</summary>
    public const string AreasFile = "kpi_areas.parquet";

    /// <summary>The folders a publication owns: whatever is in them and not published by the latest run is removed.</summary>
    public static IReadOnlyList<string> OwnedFolders { get; } =
        [RestrictedPrefix + "/", PublicPrefix + "/", ScorecardPaths.RestrictedPrefix + "/", ScorecardPaths.PublicPrefix + "/"];

    public static string PartitionPath(string datasetPrefix, string period) => $"{datasetPrefix}/period={period}/part-0.parquet";

    /// <summary>
    /// Publishes every period, <paramref name="parallelism"/> periods at a time (each period's rows are built, disclosed and
    /// encoded independently; the store must accept concurrent writes of different files) with their scorecards, then the
    /// catalogue. <paramref name="names"/> puts area and provider names beside the codes on the scorecards.
    /// </summary>
    public static async Task<PublishedDatasets> PublishAsync(
        KpiComputation computation, PublicationMetadata metadata, IPublicationStore store, CancellationToken cancellationToken,
        int parallelism = 1, ScorecardNames? names = null)
    {
        ArgumentNullException.ThrowIfNull(computation);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        // Every file written or left unchanged: what is not among them in the owned folders afterwards is stale.
        var published = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        store = new WriteObservingStore(store, path => published.TryAdd(path, 0));
        using var scorecards = new ScorecardPublisher(
            store, names ?? ScorecardNames.None, firstPagePeriod: computation.FirstReportedPeriod,
            context: new ScorecardContext(computation.FirstReturnDay, computation.Targets));
        var periods = new PeriodOutcome[computation.Periods.Count];
        var layouts = new DisclosureLayouts();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, periods.Length),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (q, token) =>
            {
                var label = computation.Periods[q].Label;
                var restricted = computation.Results.InPeriod(q);
                var restrictedPath = PartitionPath(RestrictedPrefix, label);
                var restrictedWritten = await store.WriteAsync(restrictedPath, (s, t) => KpiResultsParquet.WriteAsync(s, restricted, metadata, t), token);

                var disclosed = Disclosure.Apply(restricted, computation.NationOfArea, layouts);
                var publicPath = PartitionPath(PublicPrefix, label);
                var publicWritten = await store.WriteAsync(publicPath, (s, t) => KpiResultsParquet.WriteAsync(s, disclosed, metadata, t), token);
                periods[q] = new PeriodOutcome(restrictedWritten ? restrictedPath : null, publicWritten ? publicPath : null, disclosed.Count);
                await scorecards.AddPeriodAsync(q, restricted, disclosed, token);
            });

        var written = periods.SelectMany(p => new[] { p.RestrictedWritten, p.PublicWritten }).OfType<string>().ToList();
        var unchanged = (2 * periods.Length) - written.Count + scorecards.Unchanged;
        written.AddRange(scorecards.Written);
        if (await store.WriteAsync(CatalogueFile, (s, t) => KpiCatalogueParquet.WriteAsync(s, KpiCatalogue.Rows, metadata, t), cancellationToken))
        {
            written.Add(CatalogueFile);
        }
        else
        {
            unchanged++;
        }

        if (await store.WriteAsync(AreasFile, (s, t) => KpiAreasParquet.WriteAsync(s, computation.Areas, metadata, t), cancellationToken))
        {
            written.Add(AreasFile);
        }
        else
        {
            unchanged++;
        }

        await store.FlushAsync(cancellationToken);
        var removed = await RemoveUnpublishedAsync(store, published, cancellationToken);
        return new PublishedDatasets(written, unchanged, computation.Results.Count, periods.Sum(p => p.PublicRows)) { Removed = removed };
    }

    /// <summary>Removes every file of the owned folders that is not in <paramref name="published"/>; returns their paths, sorted.</summary>
    private static async Task<IReadOnlyList<string>> RemoveUnpublishedAsync(
        IPublicationStore store, ConcurrentDictionary<string, byte> published, CancellationToken cancellationToken)
    {
        var stale = new List<string>();
        foreach (var folder in OwnedFolders)
        {
            await foreach (var file in store.ListAsync(folder, cancellationToken))
            {
                if (!published.ContainsKey(file))
                {
                    stale.Add(file);
                }
            }
        }

        stale.Sort(StringComparer.Ordinal);
        foreach (var file in stale)
        {
            await store.DeleteAsync(file, cancellationToken);
        }

        return stale;
    }

    /// <summary>One period's files (null: unchanged, left as they were) and its public row count.</summary>
    private sealed record PeriodOutcome(string? RestrictedWritten, string? PublicWritten, int PublicRows);
}

/// <summary>
/// What a publication wrote, how many files it left alone because their content had not changed, and the files of earlier
/// publications it removed because this run did not publish them.
/// </summary>
public sealed record PublishedDatasets(IReadOnlyList<string> Files, int UnchangedFiles, int RestrictedRows, int PublicRows)
{
    public IReadOnlyList<string> Removed { get; init; } = [];
}
