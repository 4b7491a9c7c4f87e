namespace KpiPipeline.Functions.Hosting;

/// <summary>The names shared by the handler's routes and the function.json folders (one function per trigger).</summary>
public static class FunctionNames
{
    public const string IngestReturn = nameof(IngestReturn);
    public const string ComputeKpis = nameof(ComputeKpis);
    public const string PurgeQuarantine = nameof(PurgeQuarantine);
}
