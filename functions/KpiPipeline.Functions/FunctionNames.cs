namespace KpiPipeline.Functions;

/// <summary>The function names the host sees (one function per trigger, one per file).</summary>
public static class FunctionNames
{
    public const string IngestReturn = nameof(IngestReturn);
    public const string ComputeKpis = nameof(ComputeKpis);
    public const string PurgeQuarantine = nameof(PurgeQuarantine);
    public const string RecordStalledUploads = nameof(RecordStalledUploads);
    public const string RefreshProviderState = nameof(RefreshProviderState);

    /// <summary>The app setting naming the storage account of the triggers (a connection string, or <c>KpiStorage__blobServiceUri</c> etc.).</summary>
    public const string StorageConnection = "KpiStorage";
}
