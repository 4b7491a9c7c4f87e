using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace KpiPipeline.Pipeline.Reports;

/// <summary>Report files as blobs of the <c>reports</c> container (rewriting one is harmless: the same upload gives the same report).</summary>
public sealed class BlobReportStore(BlobContainerClient reports) : IReportStore
{
    public async ValueTask WriteAsync(string baseName, byte[] json, byte[]? csv, CancellationToken cancellationToken)
    {
        await UploadAsync(baseName + ValidationReportWriter.JsonSuffix, json, "application/json", cancellationToken);
        if (csv is not null)
        {
            await UploadAsync(baseName + ValidationReportWriter.CsvSuffix, csv, "text/csv", cancellationToken);
        }
    }

    private async Task UploadAsync(string name, byte[] content, string contentType, CancellationToken cancellationToken) =>
        await reports.GetBlobClient(name).UploadAsync(
            BinaryData.FromBytes(content), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
}
