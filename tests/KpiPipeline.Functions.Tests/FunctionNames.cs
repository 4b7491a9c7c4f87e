namespace KpiPipeline.Functions.Tests;

/// <summary>The function names the worker indexes (the test drives the app by name, as the host does; it does not reference the app).</summary>
public static class FunctionNames
{
    public const string IngestReturn = nameof(IngestReturn);
    public const string ComputeKpis = nameof(ComputeKpis);
    public const string PurgeQuarantine = nameof(PurgeQuarantine);
    public const string RecordStalledUploads = nameof(RecordStalledUploads);
    public const string RefreshProviderState = nameof(RefreshProviderState);
}
