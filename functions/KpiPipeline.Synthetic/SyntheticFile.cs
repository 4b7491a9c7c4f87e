namespace KpiPipeline.Synthetic;

/// <summary>One generated file: the blob container it belongs in, its blob name there, and its UTF-8 bytes.</summary>
public sealed record SyntheticFile(string Container, string BlobName, byte[] Content)
{
    public const string ReturnsContainer = "returns";
    public const string ReferenceContainer = "reference";

    public Stream OpenRead() => new MemoryStream(Content, writable: false);
}

/// <summary>What a generation run wrote.</summary>
public sealed record GenerationSummary(
    int Areas,
    int Providers,
    int Months,
    int Files,
    long DistinctEpisodes,
    long EpisodeRows,
    long ReviewRows,
    long NspRows,
    long Bytes,
    IReadOnlyList<Output.InjectedDefect> InjectedDefects);
