using System.CommandLine;
using KpiPipeline.Synthetic;

namespace KpiPipeline.Cli;

/// <summary><c>kpi generate</c>: seeded synthetic returns and reference data in the returns folder layout.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write returns/ and reference/ into", Required = true };
        var preset = new Option<string>("--preset") { Description = "demo or national", DefaultValueFactory = _ => "demo" };
        var seed = new Option<int?>("--seed") { Description = "Random seed (same seed, same files)" };
        var months = new Option<int?>("--months") { Description = "Number of reporting months" };
        var areas = new Option<int?>("--areas") { Description = "Number of commissioning areas" };
        var providers = new Option<int?>("--providers") { Description = "Total number of providers" };
        var people = new Option<int?>("--people-per-provider") { Description = "Average number of people in treatment at one provider at any time" };
        var defects = new Option<int>("--defects") { Description = "Number of deliberately bad files to include", DefaultValueFactory = _ => 0 };
        var command = new Command("generate", "Write seeded synthetic monthly returns and reference data") { output, preset, seed, months, areas, providers, people, defects };
        command.SetAction((parse, cancellationToken) =>
        {
            var basis = parse.GetValue(preset) == "national" ? SyntheticOptions.National : SyntheticOptions.Demo;
            var options = basis with
            {
                Seed = parse.GetValue(seed) ?? basis.Seed,
                Months = parse.GetValue(months) ?? basis.Months,
                Areas = parse.GetValue(areas) ?? basis.Areas,
                TotalProviders = parse.GetValue(providers) ?? basis.TotalProviders,
                PeoplePerProvider = parse.GetValue(people) ?? basis.PeoplePerProvider,
                InjectedDefects = parse.GetValue(defects),
            };
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
