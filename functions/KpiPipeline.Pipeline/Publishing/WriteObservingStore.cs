namespace KpiPipeline.Pipeline.Publishing;

/// <summary>
/// Passes everything through to <paramref name="inner"/>, and tells <paramref name="afterWrite"/> the path of each file
/// once its write has returned (written or left unchanged). The publisher records what it published this way, and the
/// memory policy returns memory after a write.
/// </summary>
internal sealed class WriteObservingStore(IPublicationStore inner, Action<string> afterWrite) : IPublicationStore
{
    public string Describe(string relativePath) => inner.Describe(relativePath);

    public async Task<bool> WriteAsync(string relativePath, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var written = await inner.WriteAsync(relativePath, write, cancellationToken);
        afterWrite(relativePath);
        return written;
    }

    public Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public Task DeleteAsync(string relativePath, CancellationToken cancellationToken) => inner.DeleteAsync(relativePath, cancellationToken);
}
