using System.CommandLine;
using KpiPipeline.Synthetic;

namespace KpiPipeline.Cli;

/// <summary>The options that shape synthetic returns, shared by <c>kpi generate</c> and <c>kpi bench</c>.</summary>
public sealed class SyntheticOptionsArguments(string defaultPreset)
{
    private readonly Option<string> preset = new("--preset") { Description = "Synthetic data preset: demo or national", DefaultValueFactory = _ => defaultPreset };
    private readonly Option<int?> seed = new("--seed") { Description = "Random seed (same seed, same files)" };
    private readonly Option<int?> months = new("--months") { Description = "Number of reporting months" };
    private readonly Option<int?> areas = new("--areas") { Description = "Number of commissioning areas" };
    private readonly Option<int?> providers = new("--providers") { Description = "Total number of providers" };
    private readonly Option<int?> people = new("--people-per-provider") { Description = "Average number of people in treatment at one provider at any time" };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { preset, seed, months, areas, providers, people })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The preset, with every option given on the command line applied over it.</summary>
    public SyntheticOptions Resolve(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var basis = parse.GetValue(preset) == "national" ? SyntheticOptions.National : SyntheticOptions.Demo;
        return basis with
        {
            Seed = parse.GetValue(seed) ?? basis.Seed,
            Months = parse.GetValue(months) ?? basis.Months,
            Areas = parse.GetValue(areas) ?? basis.Areas,
            TotalProviders = parse.GetValue(providers) ?? basis.TotalProviders,
            PeoplePerProvider = parse.GetValue(people) ?? basis.PeoplePerProvider,
        };
    }
}
