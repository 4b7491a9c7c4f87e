namespace KpiPipeline.Pipeline.Publishing;

/// <summary>Publishes into a folder: each file is written under a temporary name, then renamed over the old one.</summary>
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

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return true;
    }
}
