using System.Security.Cryptography;
using System.Text;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using KpiPipeline.Pipeline.Reports;

namespace KpiPipeline.Pipeline.Offline;

/// <summary>
/// The reports folder of an offline run (docs/offline.md): the run's table of files and table of issues, and the
/// removal of whatever an earlier run into the same folder left that this run did not write.
/// </summary>
internal static class RunReportTables
{
    /// <summary>The run's table of every input file, one row each, under <c>reports/</c>.</summary>
    public const string FileTableName = "files.csv";

    /// <summary>The run's table of every listed issue of every input file, under <c>reports/</c>.</summary>
    public const string IssueTableName = "issues.csv";

    /// <summary>The folder under <c>reports/</c> of the reports of misnamed files (not a provider code: it has a dot).</summary>
    public const string OtherNamesFolder = "misnamed.files";

    /// <summary>
    /// Where under <c>reports/</c> the report of a file goes (its files add <see cref="ValidationReportWriter.JsonSuffix"/>
    /// and <see cref="ValidationReportWriter.CsvSuffix"/>, forward slashes): a return path's own name, which has a fixed
    /// short shape and so cannot collide with anything the run writes; any other name under <see cref="OtherNamesFolder"/>
    /// as the first 16 hex digits of its SHA-256, and <c>-2</c>, <c>-3</c> … for the second and later file of a run whose
    /// name reads the same (two names that are not UTF-8 and differ only in their bad bytes both read with U+FFFD). A
    /// misnamed file's own name could be anything: a folder <c>files.csv/</c> where the table of files goes, a name too long
    /// for the suffix, another file's report. The table of files gives every report's path.
    /// </summary>
    public static string ReportName(string blobName, ReturnPath? path, int sameNameBefore)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        if (path is not null)
        {
            return blobName;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blobName)))[..16];
        return $"{OtherNamesFolder}/{hash}{(sameNameBefore == 0 ? "" : $"-{sameNameBefore + 1}")}";
    }

    /// <summary>The run's table of files and table of issues, in upload order; their full paths.</summary>
    public static async Task<string[]> WriteAsync(string reportsFolder, IReadOnlyList<OfflineFileResult> files, DateOnly asOf, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(reportsFolder);
        var fileTable = Path.GetFullPath(Path.Combine(reportsFolder, FileTableName));
        var issueTable = Path.GetFullPath(Path.Combine(reportsFolder, IssueTableName));
        await WriteFileAsync(fileTable, stream => ReportRenderers.WriteFileTable(
            files.Select(f => (f.Report, f.ReportPath is { } path ? Path.GetRelativePath(reportsFolder, path).Replace(Path.DirectorySeparatorChar, '/') : null, f.IsUsedAsOf(asOf))),
            stream), cancellationToken);
        await WriteFileAsync(issueTable, stream => ReportRenderers.WriteIssueTable(files.Select(f => f.Report), stream), cancellationToken);
        return [fileTable, issueTable];
    }

    /// <summary>
    /// Removes the reports an earlier run into the same output folder left for files this run did not see (or saw without
    /// issues, for the CSV rendering), and the folders that leaves empty: the reports are exactly this run's files.
    /// </summary>
    public static void RemoveStale(string reportsFolder, HashSet<string> written)
    {
        if (!Directory.Exists(reportsFolder))
        {
            return;
        }

        var all = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        foreach (var file in Directory.EnumerateFiles(reportsFolder, "*", all).ToList())
        {
            if (!written.Contains(Path.GetFullPath(file)))
            {
                File.Delete(file);
            }
        }

        foreach (var folder in Directory.EnumerateDirectories(reportsFolder, "*", all).OrderByDescending(f => f.Length).ToList())
        {
            if (!Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
    }

    private static async Task WriteFileAsync(string path, Action<Stream> write, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        write(file);
        await file.FlushAsync(cancellationToken);
    }
}
