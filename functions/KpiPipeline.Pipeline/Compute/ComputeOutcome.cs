namespace KpiPipeline.Pipeline.Compute;

/// <summary>The outcome of one KPI computation and publication.</summary>
public sealed record ComputeOutcome(
    DateOnly AsOf,
    int SourceReturns,
    int Periods,
    int RestrictedRows,
    int PublicRows,
    IReadOnlyList<string> PublishedFiles,
    IReadOnlyList<string> Warnings)
{
    public string Summary =>
        $"as of {AsOf:yyyy-MM-dd}: {SourceReturns} source returns, {Periods} periods, {RestrictedRows} restricted rows, " +
        $"{PublicRows} public rows, {PublishedFiles.Count} files published";
}
