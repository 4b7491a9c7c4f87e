using Parquet;

namespace KpiPipeline.Parquet;

/// <summary>What a Parquet file's footer says, read without its rows.</summary>
public static class ParquetFooter
{
    /// <summary>
    /// The key/value metadata of the file in <paramref name="input"/> (seekable), which is put back where it was: a caller
    /// can decide from it (a layout version) whether to read the rows, which a file of another layout may not have.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadMetadataAsync(Stream input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var start = input.Position;
        Dictionary<string, string> metadata;
        await using (var reader = await ParquetReader.CreateAsync(input, leaveStreamOpen: true, cancellationToken: cancellationToken))
        {
            metadata = new Dictionary<string, string>(reader.CustomMetadata, StringComparer.Ordinal);
        }

        input.Position = start;
        return metadata;
    }
}
