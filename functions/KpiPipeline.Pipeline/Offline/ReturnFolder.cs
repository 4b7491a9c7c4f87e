using System.Buffers;
using System.IO.Enumeration;
using System.Runtime.ExceptionServices;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Pipeline.Offline;

/// <summary>
/// A file of the returns folder; <paramref name="Refusal"/> set when it is rejected without being read;
/// <paramref name="ReportName"/> where under <c>reports/</c> its report goes (<see cref="RunReportTables.ReportName"/>).
/// </summary>
internal sealed record ReturnFile(string BlobName, string FullPath, ReturnPath? Path, Refusal? Refusal, string ReportName);

/// <summary>Why a file is rejected unread: the rule and the report's message.</summary>
internal sealed record Refusal(Rule Rule, string Message);

/// <summary>
/// The returns folder of <c>kpi process</c>: its files in the order a provider would have uploaded them, and reading and
/// validating one of them as the function app validates an upload.
/// </summary>
public static class ReturnFolder
{
    /// <summary>
    /// Every file under the returns folder as its blob name (forward slashes), months in order, then provider, then
    /// episodes, reviews, nsp, workforce, each with its parsed path; files that are not return paths (null path, dot-prefixed files and
    /// folders among them) come last and are rejected by validation with F01, as the ingest function rejects such a blob.
    /// </summary>
    public static IEnumerable<(string BlobName, string FullPath, ReturnPath? Path)> FilesInUploadOrder(string returnsFolder) =>
        FilesOf(returnsFolder).Select(f => (f.BlobName, f.FullPath, f.Path));

    /// <summary>
    /// The files of <see cref="FilesInUploadOrder"/>, each with the reason it is rejected unread, if any: a link to a
    /// folder is listed but not followed (F12; a link can loop back on itself), and of two files naming one return (folders
    /// that differ only in case: provider codes are case-insensitive) the second in ordinal order is F11.
    /// </summary>
    internal static List<ReturnFile> FilesOf(string returnsFolder)
    {
        var all = Walk(Path.GetFullPath(returnsFolder))
            .Select(f => (BlobName: Path.GetRelativePath(returnsFolder, f.FullPath).Replace(Path.DirectorySeparatorChar, '/'), f.FullPath, f.Kind))
            .Select(f => (f.BlobName, f.FullPath, f.Kind, Parsed: f.Kind == EntryKind.File && ReturnPath.TryParse(f.BlobName, out var p, out _) ? p : null))
            .OrderBy(f => f.Parsed is null)
            .ThenBy(f => f.Parsed?.Month ?? default)
            .ThenBy(f => f.Parsed?.ProviderCode, StringComparer.Ordinal)
            .ThenBy(f => f.Parsed?.Kind)
            .ThenBy(f => f.BlobName, StringComparer.Ordinal)
            .ToList();
        var first = new Dictionary<ReturnPath, string>();
        var sameName = new Dictionary<string, int>(StringComparer.Ordinal);
        var files = new List<ReturnFile>(all.Count);
        foreach (var f in all)
        {
            Refusal? refusal = null;
            if (f.Kind == EntryKind.LinkToFolder)
            {
                refusal = new(Rules.F12, "This is a link to a folder; kpi process does not follow links to folders (one can loop back on itself).");
            }
            else if (f.Kind is EntryKind.FileNotUtf8 or EntryKind.FolderNotUtf8)
            {
                refusal = new(Rules.F01, NotUtf8Message(f.Kind == EntryKind.FolderNotUtf8));
            }
            else if (f.Parsed is { } path && !first.TryAdd(path, f.BlobName))
            {
                refusal = new(Rules.F11, $"{first[path]} is already this provider's {path.Kind.ToString().ToLowerInvariant()} return for {path.Month}: " +
                    "folder names that differ only in case name the same return, so only that file is read.");
            }

            ref var before = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sameName, f.BlobName, out _);
            files.Add(new ReturnFile(f.BlobName, f.FullPath, f.Parsed, refusal, RunReportTables.ReportName(f.BlobName, f.Parsed, before++)));
        }

        return files;
    }

    /// <summary>
    /// What a walk of the returns folder lists: a file, a link to a folder (never followed), or a file or folder whose name
    /// is not valid UTF-8 (the system gives it with U+FFFD in place of the bad bytes, a name that opens nothing; such a
    /// folder is not entered).
    /// </summary>
    private enum EntryKind
    {
        File,
        LinkToFolder,
        FileNotUtf8,
        FolderNotUtf8,
    }

    /// <summary>The F01 message of a name that is not valid UTF-8: return paths are ASCII, so it names no return.</summary>
    private static string NotUtf8Message(bool folder) =>
        (folder ? "This folder's name is not valid UTF-8 or holds U+FFFD, so nothing in it was read" : "This file's name is not valid UTF-8 or holds U+FFFD")
        + $" (the name shows U+FFFD in place of any bad bytes). A return path is {ReturnPath.AllowedNames}.";

    /// <summary>Every file under <paramref name="root"/>, every link to a folder (listed, never followed) and every name that is not UTF-8.</summary>
    /// <remarks>
    /// The folders under the root (a provider's each, in the usual layout) are listed in parallel: listing 28,508 files one
    /// folder at a time took 0.15 s on one core at the start of every run, with the other core idle. The order of the
    /// entries does not matter; <see cref="FilesOf"/> sorts them.
    /// </remarks>
    private static List<(string FullPath, EntryKind Kind)> Walk(string root)
    {
        var entries = new List<(string FullPath, EntryKind Kind)>();
        var folders = Entries(root, entries);
        var below = new List<(string FullPath, EntryKind Kind)>[folders.Count];
        try
        {
            Parallel.For(0, folders.Count, i =>
            {
                var found = new List<(string FullPath, EntryKind Kind)>();
                var pending = new Stack<string>([folders[i]]);
                while (pending.TryPop(out var folder))
                {
                    foreach (var inner in Entries(folder, found))
                    {
                        pending.Push(inner);
                    }
                }

                below[i] = found;
            });
        }
        catch (AggregateException failed) when (failed.InnerExceptions.Count > 0)
        {
            // A folder that cannot be listed fails the run as it would listed on this thread (an IOException or
            // UnauthorizedAccessException the command reports), not as the parallel loop's wrapper.
            ExceptionDispatchInfo.Throw(failed.InnerExceptions[0]);
        }

        foreach (var found in below)
        {
            entries.AddRange(found);
        }

        return entries;
    }

    /// <summary>
    /// Adds the files, links to folders and names that are not UTF-8 of <paramref name="folder"/> to <paramref name="entries"/>;
    /// returns its folders to enter.
    /// </summary>
    /// <remarks>
    /// Read from the directory entries themselves: a <see cref="FileSystemInfo"/> per entry cost a status call each, more
    /// than half the listing's time; now only a folder's attributes are asked for (whether it is a link). A link is a
    /// folder when what it leads to is one (<see cref="FileSystemEntry.IsDirectory"/> follows links).
    /// </remarks>
    private static List<string> Entries(string folder, List<(string FullPath, EntryKind Kind)> entries)
    {
        var folders = new List<string>();
        var listing = new FileSystemEnumerable<(string FullPath, bool IsFolder, bool IsLink, bool NotUtf8)>(
            folder,
            (ref entry) => (entry.ToFullPath(), entry.IsDirectory, entry.IsDirectory && (entry.Attributes & FileAttributes.ReparsePoint) != 0,
                entry.FileName.Contains('\uFFFD')),
            WalkOptions);
        foreach (var (fullPath, isFolder, isLink, notUtf8) in listing)
        {
            if (notUtf8)
            {
                entries.Add((fullPath, isFolder ? EntryKind.FolderNotUtf8 : EntryKind.FileNotUtf8));
            }
            else if (!isFolder)
            {
                entries.Add((fullPath, EntryKind.File));
            }
            else if (isLink)
            {
                entries.Add((fullPath, EntryKind.LinkToFolder));
            }
            else
            {
                folders.Add(fullPath);
            }
        }

        return folders;
    }

    private static readonly EnumerationOptions WalkOptions = new() { AttributesToSkip = 0, IgnoreInaccessible = false };

    /// <summary>The offline command treats every file as uploaded on time (kpis.md section 8): the day after its month ends.</summary>
    public static DateTimeOffset OnTime(ReturnPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new DateTimeOffset(path.Month.LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    }

    /// <summary>
    /// The upload time the offline command gives a file whose name is not a return path (it has no month to be on time for):
    /// the run's as-of date, the day the run looks at the folder as of. Until 2026-12-05 it was 1970-01-01.
    /// </summary>
    public static DateTimeOffset Seen(DateOnly asOf) => new(asOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>
    /// Validates <paramref name="file"/> into <paramref name="sink"/>: rejected unread when its listing or its length says so
    /// (<see cref="RefusalOf"/>), otherwise read and validated.
    /// </summary>
    internal static async Task<ValidationReport> ValidateAsync(ReturnFile file, ValidationContext context, ICuratedRowSink sink, CancellationToken cancellationToken)
    {
        var target = file.Refusal is null ? Target(file.FullPath) : null;
        return (file.Refusal ?? RefusalOf(target, context.MaxFileBytes)) is { } refused
            ? ReturnValidator.RejectUnread(file.BlobName, refused.Rule, refused.Message, context.UploadedAt)
            : await ValidateFileAsync(file.BlobName, file.FullPath, target!.Length, context, sink, cancellationToken);
    }

    /// <summary>
    /// Why a file is rejected before it is opened: a broken link (F12), or a size over the limit (F09; a file of any size,
    /// 2 GiB and over too, is refused from its length alone).
    /// </summary>
    private static Refusal? RefusalOf(FileInfo? info, long maxFileBytes) =>
        info is not { Exists: true } ? new Refusal(Rules.F12, "This file cannot be read: it is a link to nothing, or it went away during the run.")
            : info.Length > maxFileBytes ? new Refusal(Rules.F09, ReturnValidator.TooLargeMessage(maxFileBytes))
            : null;

    /// <summary>
    /// The file itself, or for a link to a file the file it finally leads to (missing when the link leads nowhere): a link's
    /// own length is that of the path it holds, not of the file, and reading only that much would cut the file short.
    /// </summary>
    private static FileInfo? Target(string fullPath)
    {
        var info = new FileInfo(fullPath);
        try
        {
            // The link test reads the status the length is then taken from (one call for a plain file, not two).
            return (info.Attributes & FileAttributes.ReparsePoint) == 0 ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
        }
        catch (IOException)
        {
            // Links that lead back to themselves.
            return null;
        }
    }

    /// <summary>
    /// Validates the file's content, of <paramref name="length"/> bytes when its length was checked. A file of length 0 is validated as empty without being opened: a named pipe or a
    /// device has length 0 and opening one would wait for a writer (or read forever), and an empty file is F08 either way.
    /// A file up to <see cref="WholeReadBytes"/> is read in one call into a pooled buffer (return files are small, and
    /// validating from memory spares the thread-pool round trip of each asynchronous read); a larger one is streamed, so
    /// what a file holds in memory is bounded by that size and the reader's buffer, and reading stops at F09 however long
    /// the file has grown since its length was checked. A file that cannot be read (permissions, an I/O error) is rejected
    /// with F12; the run goes on.
    /// </summary>
    private static async Task<ValidationReport> ValidateFileAsync(
        string blobName, string fullPath, long length, ValidationContext context, ICuratedRowSink sink, CancellationToken cancellationToken)
    {
        var uploadedAt = context.UploadedAt;
        if (length == 0)
        {
            using var empty = new MemoryStream([], writable: false);
            return await ReturnValidator.ValidateAsync(blobName, empty, context, sink, cancellationToken);
        }

        byte[]? pooled = null;
        Stream content;
        try
        {
            if (length <= WholeReadBytes)
            {
                pooled = ArrayPool<byte>.Shared.Rent((int)length);
                content = new MemoryStream(pooled, 0, ReadWhole(fullPath, pooled.AsSpan(0, (int)length)), writable: false, publiclyVisible: true);
            }
            else
            {
                content = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ReturnPooled(pooled);
            return ReturnValidator.RejectUnread(blobName, Rules.F12, "This file cannot be read (no permission to read it, or an I/O error).", uploadedAt);
        }

        try
        {
            await using (content)
            {
                return await ReturnValidator.ValidateAsync(blobName, content, context, sink, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ReturnValidator.RejectUnread(blobName, Rules.F12, "This file could not be read to its end (an I/O error).", uploadedAt);
        }
        finally
        {
            ReturnPooled(pooled);
        }
    }

    /// <summary>The largest file read whole into memory before validation; larger files are streamed.</summary>
    internal const int WholeReadBytes = 8 << 20;

    private static void ReturnPooled(byte[]? pooled)
    {
        if (pooled is not null)
        {
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> from the start of the file; the count read (less if the file shrank).</summary>
    private static int ReadWhole(string fullPath, Span<byte> buffer)
    {
        using var handle = File.OpenHandle(fullPath);
        var length = 0;
        int read;
        while (length < buffer.Length && (read = RandomAccess.Read(handle, buffer[length..], length)) > 0)
        {
            length += read;
        }

        return length;
    }
}
