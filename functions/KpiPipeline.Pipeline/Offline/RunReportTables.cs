using System.Security.Cryptography;
using System.Text;
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

    /// <summary>
    /// The folder under <c>reports/</c> of the reports of files whose own names cannot name a report (not a provider code:
    /// it has a dot).
    /// </summary>
    public const string OtherNamesFolder = "misnamed.files";

    /// <summary>
    /// Where the report of <paramref name="blobName"/> goes (its files add <see cref="ValidationReportWriter.JsonSuffix"/>
    /// and <see cref="ValidationReportWriter.CsvSuffix"/>): beside the file's own name under <paramref name="reportsFolder"/>,
    /// or, when that name cannot be used, under <see cref="OtherNamesFolder"/> as the first 16 hex digits of the name's
    /// SHA-256. A name cannot be used when its first part is one of the run's tables or that folder (a folder
    /// <c>files.csv/</c> would stand where the table of files is written), when its last part with the suffix would be
    /// longer than a file name may be (255 bytes), or when it is not valid UTF-8. Only a misnamed file's name can be so;
    /// the table of files gives every report's path.
    /// </summary>
    public static string ReportBaseName(string reportsFolder, string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        return CanNameReport(blobName)
            ? Path.Combine(reportsFolder, blobName.Replace('/', Path.DirectorySeparatorChar))
            : Path.Combine(reportsFolder, OtherNamesFolder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blobName)))[..16]);
    }

    private static bool CanNameReport(string blobName)
    {
        var first = blobName.Split('/')[0];
        var last = blobName[(blobName.LastIndexOf('/') + 1)..];
        const int MaxFileNameBytes = 255;
        return !(first.Equals(FileTableName, StringComparison.OrdinalIgnoreCase)
                 || first.Equals(IssueTableName, StringComparison.OrdinalIgnoreCase)
                 || first.Equals(OtherNamesFolder, StringComparison.OrdinalIgnoreCase)
                 || Encoding.UTF8.GetByteCount(last) + ValidationReportWriter.JsonSuffix.Length > MaxFileNameBytes
                 || blobName.Contains('\uFFFD', StringComparison.Ordinal));
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
