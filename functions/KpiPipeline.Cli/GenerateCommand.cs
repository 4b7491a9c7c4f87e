using System.CommandLine;
using KpiPipeline.Synthetic;

namespace KpiPipeline.Cli;

/// <summary><c>kpi generate</c>: seeded synthetic returns and reference data in the returns folder layout.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write returns/ and reference/ into", Required = true };
        var synthetic = new SyntheticOptionsArguments(defaultPreset: "demo");
        var defects = new Option<int>("--defects") { Description = "Number of deliberately bad files to include", DefaultValueFactory = _ => 0 };
        var command = new Command("generate", "Write seeded synthetic monthly returns and reference data") { output, defects };
        synthetic.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var options = synthetic.Resolve(parse) with { InjectedDefects = parse.GetValue(defects) };
            var folder = parse.GetValue(output)!.FullName;
            var summary = new SyntheticReturnsGenerator(options)
                .WriteTo(Path.Combine(folder, "returns"), Path.Combine(folder, "reference"), cancellationToken);
            Console.WriteLine($"Wrote {summary.Files} files ({summary.Bytes / 1_048_576.0:0.0} MiB) for {summary.Providers} providers in " +
                              $"{summary.Areas} areas over {summary.Months} months: {summary.DistinctEpisodes} episodes " +
                              $"({summary.EpisodeRows} monthly rows), {summary.ReviewRows} reviews, {summary.NspRows} NSP transactions.");
            Console.WriteLine($"  returns:   {Path.Combine(folder, "returns")}");
            Console.WriteLine($"  reference: {Path.Combine(folder, "reference")}");
            return Task.FromResult(0);
        });
        return command;
    }
}
