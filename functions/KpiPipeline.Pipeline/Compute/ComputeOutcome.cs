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
    /// <summary>Files of earlier runs removed because this run did not publish them (periods it no longer computes).</summary>
    public IReadOnlyList<string> RemovedFiles { get; init; } = [];

    public string Summary => InputsChanged
        ? $"as of {AsOf:yyyy-MM-dd}: {SourceReturns} source returns, {Periods} periods, {RestrictedRows} restricted rows, " +
          $"{PublicRows} public rows, {PublishedFiles.Count} files published, {UnchangedFiles} unchanged, {RemovedFiles.Count} removed"
        : $"as of {AsOf:yyyy-MM-dd}: no new returns, reference data or as-of date since the last run; nothing recomputed";
}
