using System.CommandLine;
using KpiPipeline.Cli.Benchmarks;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Pipeline.Memory;
using KpiPipeline.Pipeline.Offline;

namespace KpiPipeline.Cli;

/// <summary><c>kpi process</c> (outputs.md section 5): validate, pseudonymise, compute and publish from folders, offline.</summary>
public static class ProcessCommand
{
    public static Command Create()
    {
        var returns = new Option<DirectoryInfo>("--returns") { Description = "Folder of {provider_code}/{YYYY-MM}/{episodes|reviews|nsp|workforce}.csv", Required = true };
        var reference = new Option<DirectoryInfo>("--reference") { Description = "Folder with providers.csv, areas.csv and optionally targets.csv", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder: restricted/, public/, kpi_catalogue.parquet, reports/", Required = true };
        var asOf = new Option<string?>("--as-of") { Description = "As-of date YYYY-MM-DD (default: today)" };
        var devSecrets = new Option<bool>("--development-secrets")
        {
            Description = "Use the fixed development pseudonymisation secrets (synthetic data only); otherwise set " +
                          $"{CliSecrets.ClientKeyVariable} and {CliSecrets.RegistrantVariable}",
        };
        var everyReport = new Option<bool>("--report-every-file")
        {
            Description = "Also write the full report of every accepted file (by default only rejected files get report files; " +
                          "every file is a row of reports/files.csv and every issue one of reports/issues.csv)",
        };
        var command = new Command("process", "Validate and process a folder of returns offline and publish both datasets")
        {
            returns, reference, output, asOf, devSecrets, everyReport,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(returns)!.FullName, parse.GetValue(reference)!.FullName, parse.GetValue(output)!.FullName,
            parse.GetValue(asOf), parse.GetValue(devSecrets), parse.GetValue(everyReport), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public static Task<int> RunAsync(
        string returns, string reference, string outFolder, string? asOfText, bool developmentSecrets,
        TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(returns, reference, outFolder, asOfText, developmentSecrets, reportEveryFile: false, stdout, stderr, cancellationToken);

    public static async Task<int> RunAsync(
        string returns, string reference, string outFolder, string? asOfText, bool developmentSecrets, bool reportEveryFile,
        TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!BenchData.TryParseAsOf(asOfText, stderr, out var given))
        {
            return 2;
        }

        var asOf = given ?? DateOnly.FromDateTime(DateTime.UtcNow);

        try
        {
            var secrets = CliSecrets.Resolve(developmentSecrets, stdout);
            var result = await OfflineProcessor.RunAsync(new OfflineRunOptions(returns, reference, outFolder, asOf, secrets, ReportEveryFile: reportEveryFile, Hooks: new ReturnMemoryBetweenPhases()), cancellationToken);
            RunSummary.Write(stdout, result);
            return 0;
        }
        catch (Exception e) when (e is OfflineRunException or PseudonymisationSecretException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"kpi process could not complete: {e.Message}");
            return 1;
        }
    }
}
