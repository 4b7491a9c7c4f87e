namespace KpiPipeline.Pipeline.Compute;

/// <summary>The outcome of one KPI computation and publication.</summary>
public sealed record ComputeOutcome(
    DateOnly AsOf,
    bool InputsChanged,
    int SourceReturns,
    int Periods,
    int RestrictedRows,
    int PublicRows,
    IReadOnlyList<string> PublishedFiles,
    int UnchangedFiles,
    IReadOnlyList<string> Warnings)
{
    public string Summary => InputsChanged
        ? $"as of {AsOf:yyyy-MM-dd}: {SourceReturns} source returns, {Periods} periods, {RestrictedRows} restricted rows, " +
          $"{PublicRows} public rows, {PublishedFiles.Count} files published, {UnchangedFiles} unchanged"
        : $"as of {AsOf:yyyy-MM-dd}: no new returns, reference data or as-of date since the last run; nothing recomputed";
}
