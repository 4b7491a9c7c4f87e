using System.Threading.Channels;

namespace KpiPipeline.Pipeline.Reports;

/// <summary>
/// Report files in a folder, written on a thread of their own, so that creating files, which is kernel time, overlaps
/// validation: reports are rendered in memory on the validating threads and queued (bounded, so memory stays small); each
/// file is written with one call and each folder created once. <see cref="Complete"/> then <see cref="Completion"/> ends it.
/// </summary>
public sealed class FolderReportStore : IReportStore
{
    private const int QueuedReports = 512;

    private readonly Channel<(string BasePath, byte[] Json, byte[]? Csv)> queue =
        Channel.CreateBounded<(string, byte[], byte[]?)>(new BoundedChannelOptions(QueuedReports) { SingleReader = true });

    /// <summary>Each report folder, created once; true when this run created it (so no earlier report can be in it).</summary>
    private readonly Dictionary<string, bool> folderIsNew = new(StringComparer.Ordinal);

    public FolderReportStore(CancellationToken cancellationToken) =>
        Completion = Task.Factory.StartNew(() => WriteQueued(cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>The full path of every report file written (read once <see cref="Completion"/> has ended).</summary>
    public HashSet<string> Written { get; } = new(StringComparer.Ordinal);

    /// <summary>Ends when every queued report is written; faults with the first write's failure.</summary>
    public Task Completion { get; }

    /// <summary>Queues the report's files; <paramref name="baseName"/> is a path (the folder is made when needed).</summary>
    public ValueTask WriteAsync(string baseName, byte[] json, byte[]? csv, CancellationToken cancellationToken) =>
        queue.Writer.WriteAsync((baseName, json, csv), cancellationToken);

    /// <summary>No more reports will come.</summary>
    public void Complete() => queue.Writer.TryComplete();

    private void WriteQueued(CancellationToken cancellationToken)
    {
        try
        {
            var reader = queue.Reader;
            while (reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out var pending))
                {
                    var folder = Path.GetDirectoryName(pending.BasePath)!;
                    if (!folderIsNew.TryGetValue(folder, out var isNew))
                    {
                        isNew = !Directory.Exists(folder);
                        Directory.CreateDirectory(folder);
                        folderIsNew[folder] = isNew;
                    }

                    Write(pending.BasePath + ValidationReportWriter.JsonSuffix, pending.Json, isNew);
                    Write(pending.BasePath + ValidationReportWriter.CsvSuffix, pending.Csv, isNew);
                    Written.Add(Path.GetFullPath(pending.BasePath + ValidationReportWriter.JsonSuffix));
                    if (pending.Csv is not null)
                    {
                        Written.Add(Path.GetFullPath(pending.BasePath + ValidationReportWriter.CsvSuffix));
                    }
                }
            }
        }
        catch (Exception failure)
        {
            // The validating threads' next write then fails too, instead of waiting on a queue nobody empties.
            queue.Writer.TryComplete(failure);
            throw;
        }
    }

    /// <summary>
    /// Writes one file of a report; null content removes an earlier run's file of that name. A file in a folder this run
    /// created is new: it is created without truncating, because truncating (which <see cref="FileMode.Create"/> does
    /// even to a new file) makes ext4 write the file out synchronously when it is closed. In a folder an earlier run
    /// left, its file is overwritten in place and cut to the new length.
    /// </summary>
    private static void Write(string path, byte[]? content, bool folderIsNew)
    {
        if (content is null)
        {
            if (!folderIsNew)
            {
                File.Delete(path);
            }

            return;
        }

        var existing = !folderIsNew && File.Exists(path);
        using var handle = File.OpenHandle(path, existing ? FileMode.Open : FileMode.CreateNew, FileAccess.Write);
        RandomAccess.Write(handle, content, 0);
        if (existing)
        {
            RandomAccess.SetLength(handle, content.Length);
        }
    }
}
