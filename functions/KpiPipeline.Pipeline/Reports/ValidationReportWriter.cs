using KpiPipeline.Core.Validation;

namespace KpiPipeline.Pipeline.Reports;

/// <summary>
/// Where the report files of validated files go: the function app's <c>reports</c> container (<see cref="BlobReportStore"/>)
/// or <c>kpi process</c>'s <c>reports/</c> folder (<see cref="FolderReportStore"/>).
/// </summary>
public interface IReportStore
{
    /// <summary>
    /// Stores the files of one report: <c>{baseName}.report.json</c>, and <c>{baseName}.report.csv</c> when
    /// <paramref name="csv"/> is given (when it is not, a CSV an earlier run left under that name goes).
    /// </summary>
    ValueTask WriteAsync(string baseName, byte[] json, byte[]? csv, CancellationToken cancellationToken);
}

/// <summary>Which files a validated file's report gets.</summary>
public enum ReportFiles
{
    /// <summary>The function app: every upload gets its JSON report and the CSV rendering, which is what the provider is sent.</summary>
    EveryUpload,

    /// <summary><c>kpi process</c>: only a rejected file gets report files, the CSV where it has issues (docs/offline.md).</summary>
    RejectedFiles,

    /// <summary><c>kpi process --report-every-file</c>: every file its JSON report, the CSV where it has issues.</summary>
    EveryFile,
}

/// <summary>
/// The one writer of validation reports, for the function app and <c>kpi process</c> alike: renders a report as JSON
/// (outputs.md section 5, dataset.md section 1) and as CSV for people (UTF-8 with a BOM so spreadsheets read it as UTF-8),
/// decides which files it gets (<see cref="ReportFiles"/>) and hands them to the store.
/// </summary>
public sealed class ValidationReportWriter(IReportStore store, ReportFiles files)
{
    public const string JsonSuffix = ".report.json";
    public const string CsvSuffix = ".report.csv";

    /// <summary>Writes the report's files under <paramref name="baseName"/>; the name of its JSON file, or null when it gets none.</summary>
    public async ValueTask<string?> WriteAsync(string baseName, ValidationReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseName);
        ArgumentNullException.ThrowIfNull(report);
        if (report.Accepted && files == ReportFiles.RejectedFiles)
        {
            return null;
        }

        var hasIssues = report.Issues.Count > 0 || report.IssuesNotListed > 0;
        await store.WriteAsync(
            baseName, Render(report, ReportRenderers.WriteJson), files == ReportFiles.EveryUpload || hasIssues ? Render(report, ReportRenderers.WriteCsv) : null,
            cancellationToken);
        return baseName + JsonSuffix;
    }

    private static byte[] Render(ValidationReport report, Action<ValidationReport, Stream> write)
    {
        using var rendered = new MemoryStream();
        write(report, rendered);
        return rendered.ToArray();
    }
}
