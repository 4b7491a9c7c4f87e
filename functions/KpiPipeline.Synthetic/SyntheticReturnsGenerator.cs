using System.Text;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Reference;
using KpiPipeline.Synthetic.Model;
using KpiPipeline.Synthetic.Output;

namespace KpiPipeline.Synthetic;

/// <summary>
/// Seeded synthetic provider returns: raw monthly episodes, reviews, NSP and workforce files as providers would upload
/// them (dataset.md), plus the commissioners' reference files. The same options always give byte-identical output.
/// Each provider is simulated on its own from a seed derived from the main seed, so memory is bounded by one
/// provider's data and providers can be written in parallel without changing the result.
/// </summary>
public sealed class SyntheticReturnsGenerator
{
    private const int BufferSize = 1 << 16;
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public SyntheticReturnsGenerator(SyntheticOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        World = new SyntheticWorld(options);
        Reference = ReferenceFiles.Build(World);
        InjectedDefects = InjectedDefect.Plan(
            SeededRandom.Derive(World.RootSeed, 9),
            World.Providers.Select(p => p.ProviderCode).ToList(),
            options.FirstMonth,
            options.Months,
            options.InjectedDefects);
    }

    public SyntheticOptions Options => World.Options;

    public SyntheticWorld World { get; }

    /// <summary>The registered providers, areas and target overrides written to the reference files.</summary>
    public ReferenceData Reference { get; }

    /// <summary>The deliberate errors the output will contain (empty unless <see cref="SyntheticOptions.InjectedDefects"/> is set).</summary>
    public IReadOnlyList<InjectedDefect> InjectedDefects { get; }

    /// <summary>Simulates one provider's history (episodes touching the window and their reviews).</summary>
    public ProviderHistory SimulateProvider(int providerIndex, CancellationToken cancellationToken = default) =>
        new ProviderSimulation(World, World.Providers[providerIndex]).Run(cancellationToken);

    /// <summary>
    /// Writes <c>{returnsFolder}/{provider_code}/{YYYY-MM}/{episodes|reviews|nsp|workforce}.csv</c> (workforce.csv in most
    /// months, not all: it is optional) and
    /// <c>{referenceFolder}/{providers|areas|targets}.csv</c>, streaming rows to disk.
    /// </summary>
    public GenerationSummary WriteTo(string returnsFolder, string referenceFolder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(returnsFolder);
        ArgumentException.ThrowIfNullOrEmpty(referenceFolder);
        long files = 0, bytes = 0, episodes = 0, episodeRows = 0, reviewRows = 0, nspRows = 0;
        foreach (var (name, write) in ReferenceWriters())
        {
            bytes += WriteFile(Path.Combine(referenceFolder, name), write);
            files++;
        }

        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, World.Providers.Count, parallel, index =>
        {
            var history = SimulateProvider(index, cancellationToken);
            var writer = WriterFor(history);
            long localFiles = 0, localBytes = 0, localEpisodeRows = 0, localReviews = 0, localNsp = 0;
            var month = Options.FirstMonth;
            for (var m = 0; m < Options.Months; m++, month = month.Next)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var folder = Path.Combine(returnsFolder, writer.ProviderCode, month.ToString());
                localBytes += WriteFile(Path.Combine(folder, "episodes.csv"), w => localEpisodeRows += writer.WriteEpisodes(m, w));
                localBytes += WriteFile(Path.Combine(folder, "reviews.csv"), w => localReviews += writer.WriteReviews(m, w));
                localBytes += WriteFile(Path.Combine(folder, "nsp.csv"), w => localNsp += writer.WriteNsp(m, w));
                localFiles += 3;
                if (writer.Workforce() is { } staff)
                {
                    localBytes += WriteFile(Path.Combine(folder, "workforce.csv"), w => writer.WriteWorkforce(staff, w));
                    localFiles++;
                }
            }

            Interlocked.Add(ref files, localFiles);
            Interlocked.Add(ref bytes, localBytes);
            Interlocked.Add(ref episodes, history.Episodes.Count);
            Interlocked.Add(ref episodeRows, localEpisodeRows);
            Interlocked.Add(ref reviewRows, localReviews);
            Interlocked.Add(ref nspRows, localNsp);
        });

        return new GenerationSummary(World.Areas.Count, World.Providers.Count, Options.Months, (int)files, episodes,
            episodeRows, reviewRows, nspRows, bytes, InjectedDefects);
    }

    /// <summary>
    /// Yields every file as (container, blob name, bytes) in a fixed order — the reference files, then each
    /// provider's months — so a demo can upload them to blob storage as providers and commissioners would.
    /// Only one provider's data is held at a time.
    /// </summary>
    public IEnumerable<SyntheticFile> EnumerateFiles(CancellationToken cancellationToken = default)
    {
        foreach (var (name, write) in ReferenceWriters())
        {
            yield return new SyntheticFile(SyntheticFile.ReferenceContainer, name, Render(write));
        }

        for (var index = 0; index < World.Providers.Count; index++)
        {
            var writer = WriterFor(SimulateProvider(index, cancellationToken));
            var month = Options.FirstMonth;
            for (var m = 0; m < Options.Months; m++, month = month.Next)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return ReturnFile(writer.ProviderCode, month, ReturnFileKind.Episodes, Render(w => writer.WriteEpisodes(m, w)));
                yield return ReturnFile(writer.ProviderCode, month, ReturnFileKind.Reviews, Render(w => writer.WriteReviews(m, w)));
                yield return ReturnFile(writer.ProviderCode, month, ReturnFileKind.Nsp, Render(w => writer.WriteNsp(m, w)));
                if (writer.Workforce() is { } staff)
                {
                    yield return ReturnFile(writer.ProviderCode, month, ReturnFileKind.Workforce, Render(w => writer.WriteWorkforce(staff, w)));
                }
            }
        }
    }

    private ProviderReturnWriter WriterFor(ProviderHistory history) =>
        new(World, history, InjectedDefects.Where(d => d.ProviderCode == history.Provider.ProviderCode));

    private static SyntheticFile ReturnFile(string provider, ReportingMonth month, ReturnFileKind kind, byte[] content) =>
        new(SyntheticFile.ReturnsContainer, new ReturnPath(provider, month, kind).BlobName, content);

    private IEnumerable<(string Name, Action<TextWriter> Write)> ReferenceWriters()
    {
        var crLf = Options.CrLf;
        yield return ("providers.csv", w => ReferenceFiles.WriteProviders(Reference, w, crLf));
        yield return ("areas.csv", w => ReferenceFiles.WriteAreas(Reference, w, crLf));
        yield return ("targets.csv", w => ReferenceFiles.WriteTargets(Reference, w, crLf));
    }

    private static long WriteFile(string path, Action<TextWriter> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize);
        using (var writer = new StreamWriter(stream, Utf8NoBom, BufferSize, leaveOpen: true))
        {
            write(writer);
        }

        return stream.Length;
    }

    private static byte[] Render(Action<TextWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, Utf8NoBom, BufferSize, leaveOpen: true))
        {
            write(writer);
        }

        return stream.ToArray();
    }
}
