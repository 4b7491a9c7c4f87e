using KpiPipeline.Kpis;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Disclosure;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Parquet;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>
/// Writes the two Hive-partitioned datasets and the catalogue (outputs.md sections 1–2): one file per period and dataset,
/// each replaced whole. Disclosure control is applied here, as the last step before the public files are written.
/// </summary>
public static class KpiPublisher
{
    public const string RestrictedPrefix = "restricted/kpi_results";
    public const string PublicPrefix = "public/kpi_results";
    public const string CatalogueFile = "kpi_catalogue.parquet";

    public static string PartitionPath(string datasetPrefix, string period) => $"{datasetPrefix}/period={period}/part-0.parquet";

    public static async Task<PublishedDatasets> PublishAsync(
        KpiComputation computation, PublicationMetadata metadata, IPublicationStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(computation);
        ArgumentNullException.ThrowIfNull(store);
        var written = new List<string>();
        var publicRowCount = 0;
        var byPeriod = computation.Results.ToLookup(r => r.Period);
        foreach (var period in computation.Periods)
        {
            var restricted = byPeriod[period.Label].ToList();
            var restrictedPath = PartitionPath(RestrictedPrefix, period.Label);
            await store.WriteAsync(restrictedPath, s => KpiResultsParquet.Write(s, restricted, metadata), cancellationToken);
            written.Add(restrictedPath);

            var disclosed = Disclosure.Apply(restricted);
            publicRowCount += disclosed.Count;
            var publicPath = PartitionPath(PublicPrefix, period.Label);
            await store.WriteAsync(publicPath, s => KpiResultsParquet.Write(s, disclosed, metadata), cancellationToken);
            written.Add(publicPath);
        }

        await store.WriteAsync(CatalogueFile, s => KpiCatalogueParquet.Write(s, KpiCatalogue.Rows, metadata), cancellationToken);
        written.Add(CatalogueFile);
        return new PublishedDatasets(written, computation.Results.Count, publicRowCount);
    }
}

/// <summary>What a publication wrote.</summary>
public sealed record PublishedDatasets(IReadOnlyList<string> Files, int RestrictedRows, int PublicRows);
