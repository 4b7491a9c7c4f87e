using System.Runtime.CompilerServices;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>
/// Publishes into a folder: each file is written under a temporary name, then renamed over the old one. When the folder
/// already holds a file with exactly the same bytes, the temporary file is dropped and the old file is left untouched
/// (the folder counterpart of the blob store's content hash), so a rerun rewrites only what changed. Files an earlier run
/// published that this run did not are removed by <see cref="KpiPublisher"/> through <see cref="DeleteAsync"/>.
/// </summary>
public sealed class FolderPublicationStore(string root) : IPublicationStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Describe(string relativePath) => Path.Combine(Root, relativePath);

    public async Task<bool> WriteAsync(string relativePath, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        var target = Describe(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                await write(stream, cancellationToken);
            }

            if (SameContent(temporary, target))
            {
                return false;
            }

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return true;
    }

    /// <summary>Nothing to wait for: <see cref="WriteAsync"/> returns once the file is in place.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = Describe(prefix);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
        }

        await Task.CompletedTask;
    }

    public Task DeleteAsync(string relativePath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var target = Describe(relativePath);
        File.Delete(target);
        for (var folder = Path.GetDirectoryName(target); folder is not null && folder.Length > Root.Length
            && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any(); folder = Path.GetDirectoryName(folder))
        {
            Directory.Delete(folder);
        }

        return Task.CompletedTask;
    }

    private static bool SameContent(string newFile, string existingFile)
    {
        var existing = new FileInfo(existingFile);
        if (!existing.Exists || existing.Length != new FileInfo(newFile).Length)
        {
            return false;
        }

        using var a = new FileStream(newFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var b = new FileStream(existingFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var left = new byte[1 << 16];
        var right = new byte[1 << 16];
        while (true)
        {
            var read = a.ReadAtLeast(left, left.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                return true;
            }

            b.ReadExactly(right, 0, read);
            if (!left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, read)))
            {
                return false;
            }
        }
    }
}
