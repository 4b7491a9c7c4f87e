using System.CommandLine;
using KpiPipeline.Synthetic;

namespace KpiPipeline.Cli;

/// <summary><c>kpi generate</c>: seeded synthetic returns and reference data in the returns folder layout.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write returns/ and reference/ into (they must not hold files yet)", Required = true };
        var synthetic = new SyntheticOptionsArguments(defaultPreset: "demo");
        var defects = new Option<int>("--defects") { Description = "Number of deliberately bad files to include", DefaultValueFactory = _ => 0 };
        var command = new Command("generate", "Write seeded synthetic monthly returns and reference data") { output, defects };
        synthetic.AddTo(command);
        command.SetAction((parse, cancellationToken) => Task.FromResult(Run(
            parse.GetValue(output)!.FullName, synthetic.Resolve(parse) with { InjectedDefects = parse.GetValue(defects) },
            Console.Out, Console.Error, cancellationToken)));
        return command;
    }

    /// <summary>
    /// Writes the returns and reference data into <paramref name="folder"/>; 0, or 1 when its <c>returns/</c> or
    /// <c>reference/</c> already hold files: written over, a set of another seed or size would keep the old files the new
    /// set has no counterpart for (a month, a provider, a workforce return), and <c>kpi process</c> would read the mixture.
    /// </summary>
    public static int Run(string folder, SyntheticOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var returns = Path.Combine(folder, "returns");
        var reference = Path.Combine(folder, "reference");
        if (new[] { returns, reference }.FirstOrDefault(d => Directory.Exists(d) && Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).Any()) is { } used)
        {
            error.WriteLine($"kpi generate: {used} already holds files. Written over, files of the old set that the new one has no " +
                            "counterpart for would stay and be read with it. Choose an empty folder, or delete its returns/ and reference/ first.");
            return 1;
        }

        var summary = new SyntheticReturnsGenerator(options).WriteTo(returns, reference, cancellationToken);
        output.WriteLine($"Wrote {summary.Files} files ({summary.Bytes / 1_048_576.0:0.0} MiB) for {summary.Providers} providers in " +
                         $"{summary.Areas} areas over {summary.Months} months: {summary.DistinctEpisodes} episodes " +
                         $"({summary.EpisodeRows} monthly rows), {summary.ReviewRows} reviews, {summary.NspRows} NSP transactions.");
        output.WriteLine($"  returns:   {returns}");
        output.WriteLine($"  reference: {reference}");
        return 0;
    }
}
