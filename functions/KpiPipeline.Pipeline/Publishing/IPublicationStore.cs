namespace KpiPipeline.Pipeline.Publishing;

/// <summary>
/// Where published files go: a folder (offline <c>kpi process</c>) or the <c>published</c> blob container (Azure).
/// A write replaces the file whole: readers see the old file or the new one, never half of one.
/// </summary>
public interface IPublicationStore
{
    /// <summary>The full path or URL of <paramref name="relativePath"/>, for people.</summary>
    string Describe(string relativePath);

    /// <summary>
    /// Writes the file; returns false when an identical file was already there and nothing was written. A store may finish
    /// the write in the background (the blob store uploads while the publisher renders the next file): the file is only
    /// certainly in place after <see cref="FlushAsync"/>.
    /// </summary>
    Task<bool> WriteAsync(string relativePath, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken);

    /// <summary>Waits until every file written so far is in place; throws if any of those writes failed.</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Every file under <paramref name="prefix"/> (a folder, ending in '/'), as relative paths with forward slashes.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Removes the file (and, in a folder, the folders it leaves empty); nothing happens when it is not there.</summary>
    Task DeleteAsync(string relativePath, CancellationToken cancellationToken);
}
