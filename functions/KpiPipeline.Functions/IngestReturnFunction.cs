using Azure.Storage.Blobs;
using KpiPipeline.Pipeline.Ingest;
using Microsoft.Azure.Functions.Worker;

namespace KpiPipeline.Functions;

/// <summary>
/// Blob trigger on <c>returns/{name}</c> (Event Grid source): validates, reports, pseudonymises and stores one uploaded
/// return. The blob is bound as a <see cref="BlobClient"/> (deferred binding): nothing is downloaded before the ingest
/// streams it.
/// </summary>
public sealed class IngestReturnFunction(ReturnIngestService ingest)
{
    [Function(FunctionNames.IngestReturn)]
    public Task<IngestOutcome> RunAsync(
        [BlobTrigger("returns/{name}", Source = BlobTriggerSource.EventGrid, Connection = FunctionNames.StorageConnection)] BlobClient returnFile,
        CancellationToken cancellationToken) =>
        ingest.IngestAsync(returnFile.Name, cancellationToken);
}
