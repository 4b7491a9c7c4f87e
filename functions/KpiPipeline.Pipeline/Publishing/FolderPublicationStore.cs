namespace KpiPipeline.Pipeline.Publishing;

/// <summary>Publishes into a folder: each file is written under a temporary name, then renamed over the old one.</summary>
public sealed class FolderPublicationStore(string root) : IPublicationStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Describe(string relativePath) => Path.Combine(Root, relativePath);

    public Task<bool> WriteAsync(string relativePath, Action<Stream> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        var target = Describe(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
            }

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return Task.FromResult(true);
    }
}
