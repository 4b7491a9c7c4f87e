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
        var unchanged = 0;
        async Task WriteAsync(string path, Action<Stream> write)
        {
            if (await store.WriteAsync(path, write, cancellationToken))
            {
                written.Add(path);
            }
            else
            {
                unchanged++;
            }
        }

        var publicRowCount = 0;
        for (var q = 0; q < computation.Periods.Count; q++)
        {
            var period = computation.Periods[q];
            var restricted = computation.Results.InPeriod(q);
            var restrictedPath = PartitionPath(RestrictedPrefix, period.Label);
            await WriteAsync(restrictedPath, s => KpiResultsParquet.Write(s, restricted, metadata));

            var disclosed = Disclosure.Apply(restricted);
            publicRowCount += disclosed.Count;
            var publicPath = PartitionPath(PublicPrefix, period.Label);
            await WriteAsync(publicPath, s => KpiResultsParquet.Write(s, disclosed, metadata));
        }

        await WriteAsync(CatalogueFile, s => KpiCatalogueParquet.Write(s, KpiCatalogue.Rows, metadata));
        return new PublishedDatasets(written, unchanged, computation.Results.Count, publicRowCount);
    }
}

/// <summary>What a publication wrote, and how many files it left alone because their content had not changed.</summary>
public sealed record PublishedDatasets(IReadOnlyList<string> Files, int UnchangedFiles, int RestrictedRows, int PublicRows);
