using Azure.Storage.Blobs;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Returns;
using KpiPipeline.Pipeline.Validation;

namespace KpiPipeline.Pipeline.Storage;

/// <summary>Reads the curated copies of accepted returns back from the <c>curated</c> container.</summary>
public sealed class CuratedReturns(BlobContainerClient curated)
{
    public static string BlobNameOf(ReturnPath path, string uploadId) =>
        $"{path.ProviderCode}/{path.Month}/{CodeRules.FileName(path.Kind)}/{uploadId}.csv";

    /// <summary>The rows of an accepted version's curated copy, as its provider's fold takes them.</summary>
    public async Task<AcceptedRows> ReadAcceptedAsync(AcceptedVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        using var download = (await curated.GetBlobClient(version.CuratedBlob).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
        return AcceptedRows.ReadCurated(download.Content, version.Path.Kind);
    }
}
