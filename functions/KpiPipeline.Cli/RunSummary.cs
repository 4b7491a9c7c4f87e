using System.Globalization;
using System.Text;
using KpiPipeline.Core.Validation;
using KpiPipeline.Kpis;
using KpiPipeline.Pipeline.Offline;

namespace KpiPipeline.Cli;

/// <summary>The summary printed after a run: files accepted and rejected, and the national KPI table.</summary>
public static class RunSummary
{
    public static void Write(TextWriter output, OfflineRunResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        var accepted = result.Files.Count(f => f.Report.Accepted);
        output.WriteLine($"Files: {result.Files.Count} read, {accepted} accepted, {result.Files.Count - accepted} rejected " +
                         $"(every file: {Path.Combine(result.OutFolder, "reports", OfflineProcessor.FileTableName)}; " +
                         $"every issue: {Path.Combine(result.OutFolder, "reports", OfflineProcessor.IssueTableName)}).");
        var t = result.Timings;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Time: validation {t.Validation.TotalSeconds:0.0} s, KPIs {t.Kpis.TotalSeconds:0.0} s, Parquet {t.Publishing.TotalSeconds:0.0} s " +
            $"(garbage collection paused the run for {GC.GetTotalPauseDuration().TotalSeconds:0.0} s in {GC.CollectionCount(0)} collections, {GC.CollectionCount(2)} full)."));
        foreach (var rejected in result.Rejected)
        {
            output.WriteLine(RejectedLine(rejected));
        }

        foreach (var warning in result.Computation.Warnings)
        {
            output.WriteLine($"  warning: {warning}");
        }

        output.WriteLine();
        // Only the periods the table shows are built: a national run has millions of rows, and they are built when read.
        const int TablePeriods = 4;
        var periods = result.Computation.Periods.Count;
        var shown = Enumerable.Range(Math.Max(0, periods - TablePeriods), Math.Min(periods, TablePeriods))
            .SelectMany(result.Computation.Results.InPeriod)
            .ToList();
        KpiTable.Write(output, shown, KpiVocabulary.LevelAll, KpiVocabulary.UnitAll, maxPeriods: TablePeriods);
        output.WriteLine();
        output.WriteLine($"Published {result.Published.RestrictedRows} restricted rows and {result.Published.PublicRows} public rows:");
        output.WriteLine($"  {Path.Combine(result.OutFolder, "restricted", "kpi_results")}");
        output.WriteLine($"  {Path.Combine(result.OutFolder, "public", "kpi_results")}");
        output.WriteLine($"  {Path.Combine(result.OutFolder, "kpi_catalogue.parquet")}");
        output.WriteLine($"Scorecards (HTML, one per area and quarter, and a national page per quarter): {Path.Combine(result.OutFolder, "restricted", "scorecards")}, " +
                         $"{Path.Combine(result.OutFolder, "public", "scorecards")}");
        output.WriteLine($"Read with DuckDB: SELECT * FROM read_parquet('{Path.Combine(result.OutFolder, "public", "kpi_results")}/*/*.parquet', hive_partitioning = true);");
    }

    /// <summary>
    /// The line of a rejected file: its errors, the first of them (<see cref="ValidationIssue.Describe"/>: where it is when it
    /// has a place, its rule and message) and the report.
    /// </summary>
    private static string RejectedLine(OfflineFileResult rejected)
    {
        var errors = rejected.Report.ErrorCount;
        var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"  rejected {rejected.BlobName}: {Counted.Of(errors, "error")}");
        if (rejected.Report.Issues.FirstOrDefault(i => i.Severity == IssueSeverity.Error) is { } first)
        {
            line.Append(", first: ").Append(first.Describe());
        }

        return line.Append(rejected.ReportPath is { } report ? $" (report {report})" : string.Empty).ToString();
    }
}
