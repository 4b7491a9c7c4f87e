using System.CommandLine;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Pipeline.Storage;
using Microsoft.Extensions.Configuration;

namespace KpiPipeline.Cli;

/// <summary>
/// <c>kpi rebuild-state</c>: folds every provider's state again from the immutable curated monthly files and compares it
/// with the state stored (<c>--check</c>: compare only, exit 1 on any difference), or writes the rebuilt state where it
/// differs or is missing. Reaches storage as the function app does: <c>--connection</c>, or the <c>KpiStorage</c> settings
/// (a connection string, or <c>KpiStorage__blobServiceUri</c> etc. with a managed identity) from the environment.
/// </summary>
public static class RebuildStateCommand
{
    public static Command Create()
    {
        var connection = new Option<string?>("--connection") { Description = "Storage connection string (default: the KpiStorage settings from the environment)" };
        var providers = new Option<string[]>("--provider") { Description = "Only these providers (repeatable; default: every provider in the index or the uploads table)", AllowMultipleArgumentsPerToken = true };
        var check = new Option<bool>("--check") { Description = "Compare the rebuilt states with the stored ones without writing; exit 1 when any differs" };
        var fromLedger = new Option<bool>("--from-ledger")
        {
            Description = "First list every completed upload of the submissions ledger in the provider uploads table (once, for data ingested before provider states existed)",
        };
        var command = new Command("rebuild-state", "Rebuild the providers' compact states from the curated monthly files (or check that they are what a rebuild gives)")
        {
            connection, providers, check, fromLedger,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            Settings(parse.GetValue(connection)), parse.GetValue(providers) ?? [], parse.GetValue(check), parse.GetValue(fromLedger), Console.Out,
            cancellationToken));
        return command;
    }

    /// <summary>The app's settings from the environment (as the function app reads them), with <paramref name="connection"/> as <c>KpiStorage</c> when given.</summary>
    public static IConfiguration Settings(string? connection, IEnumerable<KeyValuePair<string, string?>>? more = null) =>
        new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(connection is null ? [] : [new KeyValuePair<string, string?>(KpiPipelineOptions.StorageConnectionName, connection)])
            .AddInMemoryCollection(more ?? [])
            .Build();

    public static async Task<int> RunAsync(
        IConfiguration configuration, IReadOnlyList<string> providers, bool check, bool fromLedger, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(output);
        var names = new KpiPipelineOptions();
        configuration.GetSection(KpiPipelineOptions.Section).Bind(names);
        var storage = PipelineStorage.Connect(StorageAccountSettings.FromConfiguration(configuration), names);
        await storage.EnsureCreatedAsync(cancellationToken);
        var states = new ProviderStates(storage, new NoStateWriteFaults());
        if (fromLedger)
        {
            output.WriteLine($"Listed {await states.ListLedgerUploadsAsync(cancellationToken)} completed uploads of the submissions ledger for the provider states.");
        }

        var differ = 0;
        var written = 0;
        var all = providers.Count > 0 ? [.. providers.Select(p => p.ToUpperInvariant())] : await states.ProvidersAsync(cancellationToken);
        foreach (var provider in all)
        {
            foreach (var state in await states.RebuildAsync(provider, write: !check, cancellationToken))
            {
                var kind = CodeRules.FileName(state.Kind);
                if (state.Same)
                {
                    continue;
                }

                if (check)
                {
                    differ++;
                    output.WriteLine($"  {provider} {kind}: {(state.Stored is null ? "missing" : "differs from a rebuild")} ({ProviderStates.BlobNameOf(provider, state.Kind)})");
                }
                else
                {
                    written++;
                    output.WriteLine($"  {provider} {kind}: {(state.Stored is null ? "written" : "rewritten")} ({state.Rebuilt.Length:N0} bytes)");
                }
            }
        }

        output.WriteLine(check
            ? $"Checked {all.Count} providers: {(differ == 0 ? "every stored state is what a rebuild from the curated files gives, byte for byte" : $"{differ} states differ from a rebuild")}."
            : $"Rebuilt {all.Count} providers: {written} states written, the others already were what the rebuild gave.");
        return differ == 0 ? 0 : 1;
    }
}
