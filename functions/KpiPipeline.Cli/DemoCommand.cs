using System.CommandLine;
using System.Globalization;
using Azure.Storage.Blobs.Models;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis;
using KpiPipeline.LocalRun.FunctionsHost;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.Compute;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Pipeline.Publishing.Scorecards;
using KpiPipeline.Synthetic;

namespace KpiPipeline.Cli;

/// <summary>
/// <c>kpi demo</c>: the whole pipeline on this machine. Azurite as storage, a year of synthetic returns uploaded month by
/// month as providers would, the published function app in its isolated worker driven over gRPC by the local stand-in for
/// the Functions host, the timer fired, and the published Parquet copied to a folder and summarised.
/// </summary>
public static class DemoCommand
{
    /// <summary>The file that marks a folder as made by <c>kpi demo</c>.</summary>
    public const string WorkFolderMark = ".kpi-demo";

    private const string ComputeKpisFunction = "ComputeKpis";

    /// <summary>The names the worker runs with (the demo sets none): the containers it copies out of Azurite.</summary>
    private static readonly KpiPipelineOptions Containers = new();

    public static Command Create()
    {
        var work = new Option<DirectoryInfo>("--work")
        {
            Description = "Folder for the demo's output, replaced on every run; a folder that is not empty is used only if an earlier demo made it",
            DefaultValueFactory = _ => new DirectoryInfo(".demo"),
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic returns", DefaultValueFactory = _ => SyntheticOptions.Demo.Seed };
        var defects = new Option<int>("--defects") { Description = "Deliberately bad files among the uploads", DefaultValueFactory = _ => 2 };
        var command = new Command("demo", "Run the whole pipeline locally on Azurite with synthetic returns") { work, seed, defects };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(parse.GetValue(work)!.FullName, parse.GetValue(seed), parse.GetValue(defects), Console.Out, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string workFolder, int seed, int defects, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (PrepareWorkFolder(workFolder) is { } refusal)
        {
            output.WriteLine(refusal);
            return 2;
        }

        await using var local = await LocalPipeline.StartAsync(output, azuriteFolder: null, cancellationToken);
        var storage = local.Storage;
        var host = local.Host;

        var options = OptionsFor(seed, defects, DateOnly.FromDateTime(DateTime.UtcNow));
        var generator = new SyntheticReturnsGenerator(options);
        output.WriteLine($"Generating synthetic returns: {options.ProviderCount} providers in {options.Areas} areas, {options.FirstMonth} to {options.LastMonth} (seed {seed}).");

        var files = generator.EnumerateFiles(cancellationToken).ToList();
        foreach (var reference in files.Where(f => f.Container == SyntheticFile.ReferenceContainer))
        {
            var container = storage.GetBlobContainerClient(reference.Container);
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await container.GetBlobClient(reference.BlobName).UploadAsync(BinaryData.FromBytes(reference.Content), overwrite: true, cancellationToken);
        }

        var returns = storage.GetBlobContainerClient(SyntheticFile.ReturnsContainer);
        await returns.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var byMonth = files.Where(f => f.Container == SyntheticFile.ReturnsContainer)
            .GroupBy(f => ReturnPath.TryParse(f.BlobName, out var p, out _) ? p!.Month.ToString() : "other")
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        var rejected = new List<IngestOutcome>();
        var uploadSequence = 0;
        output.WriteLine("Uploading each month's returns as providers would; the host stand-in notices each blob and invokes IngestReturn:");
        foreach (var month in byMonth)
        {
            foreach (var file in month)
            {
                await returns.GetBlobClient(file.BlobName).UploadAsync(BinaryData.FromBytes(file.Content),
                    new BlobUploadOptions
                    {
                        HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv" },
                        Metadata = DeclaredUploadTime(file.BlobName, uploadSequence++),
                    },
                    cancellationToken);
            }

            var results = await host.PollBlobsAsync(cancellationToken);

            // The host works the provider-state queue as uploads complete: each provider's state is up to date.
            var refreshes = await host.DrainQueuesAsync(cancellationToken);
            var failed = results.Where(r => !r.Succeeded).ToList();
            var outcomes = results.Where(r => r.Succeeded).Select(r => r.Last.Outcome<IngestOutcome>()).ToList();
            var monthRejected = outcomes.Where(o => o.Status == IngestStatus.Rejected).ToList();
            rejected.AddRange(monthRejected);
            output.WriteLine($"  {month.Key}: {results.Count} uploads, {outcomes.Count(o => o.Status == IngestStatus.Accepted)} accepted, " +
                             $"{monthRejected.Count} rejected{(failed.Count > 0 ? $", {failed.Count} FAILED" : string.Empty)}; " +
                             $"{refreshes.Count} provider state refreshes{(refreshes.Any(r => !r.Succeeded) ? $" ({refreshes.Count(r => !r.Succeeded)} failed)" : string.Empty)}");
            foreach (var failure in failed)
            {
                output.WriteLine($"    failed after {failure.Attempts.Count} attempts: {failure.BlobName}: {failure.Last.Exception}");
            }
        }

        // Every upload's report as its provider received it, copied out of Azurite (which the demo keeps in memory).
        var reportsFolder = Path.Combine(workFolder, Containers.ReportsContainer);
        await BlobPublicationStore.CopyToFolderAsync(storage.GetBlobContainerClient(Containers.ReportsContainer), reportsFolder, cancellationToken);
        foreach (var rejection in rejected)
        {
            var report = rejection.ReportBlobName is { } name ? Path.GetFullPath(Path.Combine(reportsFolder, name.Replace('/', Path.DirectorySeparatorChar))) : "none";
            output.WriteLine($"  rejected with a report: {rejection.BlobName} ({Counted.Of(rejection.Errors, "error")}, {Counted.Of(rejection.Warnings, "warning")}); report {report}");
        }

        output.WriteLine($"Firing the {ComputeKpisFunction} timer...");
        var compute = await host.FireTimerAsync(ComputeKpisFunction, cancellationToken);
        if (!compute.Succeeded)
        {
            output.WriteLine($"  {ComputeKpisFunction} failed: {compute.Exception}");
            return 1;
        }

        var computed = compute.Outcome<ComputeOutcome>();
        output.WriteLine($"  {string.Join(Environment.NewLine + "  ", computed.Warnings.Prepend(computed.Summary).Take(5))}");

        var publishedFolder = Path.Combine(workFolder, Containers.PublishedContainer);
        var published = storage.GetBlobContainerClient(Containers.PublishedContainer);
        await BlobPublicationStore.CopyToFolderAsync(published, publishedFolder, cancellationToken);

        var results2 = await ReadRestrictedAsync(publishedFolder, cancellationToken);
        output.WriteLine();
        KpiTable.Write(output, results2, KpiVocabulary.LevelAll, KpiVocabulary.UnitAll, maxPeriods: 4);
        output.WriteLine();
        output.WriteLine("Each upload declared the time its provider would have sent it (the 10th of the next month), so DQ01 (returns on time) reads as in service.");
        output.WriteLine($"Published Parquet (copied from Azurite's 'published' container): {Path.GetFullPath(publishedFolder)}");
        output.WriteLine($"  DuckDB: SELECT * FROM read_parquet('{Path.GetFullPath(Path.Combine(publishedFolder, KpiPublisher.PublicPrefix))}/*/*.parquet', hive_partitioning = true);");
        output.WriteLine($"Every upload's report, as its provider received it: {Path.GetFullPath(reportsFolder)}");
        if (ScorecardToOpen(publishedFolder) is { } scorecard)
        {
            output.WriteLine($"Scorecard of the last full quarter (open it in a browser): {scorecard}");
        }

        return 0;
    }

    /// <summary>The synthetic returns the demo uploads on <paramref name="today"/>: the demo preset's months, ending last month.</summary>
    public static SyntheticOptions OptionsFor(int seed, int defects, DateOnly today)
    {
        var options = SyntheticOptions.Demo with
        {
            Seed = seed,
            FirstMonth = ReportingMonth.Of(today).Previous,
            InjectedDefects = defects,
        };
        return options with { FirstMonth = Enumerable.Range(0, options.Months - 1).Aggregate(options.FirstMonth, (m, _) => m.Previous) };
    }

    /// <summary>The first area's scorecard of the last quarter that has ended (the current one is still filling up).</summary>
    public static string? ScorecardToOpen(string publishedFolder)
    {
        var root = Path.Combine(publishedFolder, ScorecardPaths.RestrictedPrefix);
        if (!Directory.Exists(root))
        {
            return null;
        }

        var periods = Directory.GetDirectories(root, "period=*").Order(StringComparer.Ordinal).ToList();
        var period = periods.Count > 1 ? periods[^2] : periods.LastOrDefault();
        return period is null ? null : Directory.GetFiles(period, "area=*.html").Order(StringComparer.Ordinal).Select(Path.GetFullPath).FirstOrDefault();
    }

    /// <summary>
    /// Empties <paramref name="workFolder"/> for a run, or creates it, and marks it as the demo's; null when done. A folder
    /// that is not empty is emptied only when an earlier demo made it (it holds the mark, or only the <c>published</c>
    /// folder demos wrote before there was a mark), so that a mistyped <c>--work</c> (<c>.</c>, a home folder) deletes
    /// nothing: the reason it is refused is returned instead.
    /// </summary>
    public static string? PrepareWorkFolder(string workFolder)
    {
        ArgumentNullException.ThrowIfNull(workFolder);
        var full = Path.GetFullPath(workFolder);
        if (Directory.Exists(full))
        {
            var entries = Directory.EnumerateFileSystemEntries(full).Select(Path.GetFileName).ToList();
            if (!entries.Contains(WorkFolderMark) && !entries.All(e => e == Containers.PublishedContainer))
            {
                return $"kpi demo: {full} is not empty and was not made by kpi demo, which empties its work folder on every run; " +
                       "nothing was deleted. Give --work a new or empty folder.";
            }

            Directory.Delete(full, recursive: true);
        }

        Directory.CreateDirectory(full);
        File.WriteAllText(Path.Combine(full, WorkFolderMark), "This folder is kpi demo's: every run of kpi demo with --work naming it empties it first.\n");
        return null;
    }

    /// <summary>
    /// The demo uploads a year of returns at once; each declares when its provider would have sent it, the 10th of the
    /// following month (a second apart, in upload order, so a later correction stays later), unless that is still to come.
    /// The worker honours it because the demo runs it with <c>TrustDeclaredUploadTimes</c> (never set in Azure).
    /// </summary>
    private static Dictionary<string, string>? DeclaredUploadTime(string blobName, int sequence)
    {
        if (!ReturnPath.TryParse(blobName, out var path, out _))
        {
            return null;
        }

        var due = path!.Month.Next.FirstDay.AddDays(9).ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc).AddSeconds(sequence);
        return due > DateTime.UtcNow
            ? null
            : new Dictionary<string, string> { [ReturnIngestService.DeclaredUploadTimeMetadata] = new DateTimeOffset(due).ToString("O", CultureInfo.InvariantCulture) };
    }

    /// <summary>Reads the restricted dataset back through the project's Parquet layout of kpi_results, for the on-screen table.</summary>
    private static async Task<List<KpiResult>> ReadRestrictedAsync(string publishedFolder, CancellationToken cancellationToken)
    {
        var rows = new List<KpiResult>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(publishedFolder, KpiPublisher.RestrictedPrefix), "*.parquet", SearchOption.AllDirectories))
        {
            await using var stream = File.OpenRead(path);
            rows.AddRange(await KpiResultsParquet.ReadAsync(stream, cancellationToken));
        }

        return rows;
    }
}
