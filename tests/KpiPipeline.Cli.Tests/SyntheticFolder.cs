using KpiPipeline.Core.Dataset;
using KpiPipeline.Synthetic;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>A small seeded synthetic returns folder (returns/ and reference/) for command tests.</summary>
public static class SyntheticFolder
{
    public static (string Returns, string Reference) Create(string label, int defects = 0, int seed = 7) =>
        Create(label, SyntheticOptions.Demo with
        {
            Seed = seed,
            Areas = 2,
            ProvidersPerArea = 2,
            Months = 9,
            FirstMonth = new ReportingMonth(2025, 1),
            PeoplePerProvider = 60,
            InjectedDefects = defects,
        });

    /// <summary>The returns of <paramref name="options"/> in a new folder of its own: its returns/ and reference/.</summary>
    public static (string Returns, string Reference) Create(string label, SyntheticOptions options)
    {
        var (returns, reference, _) = CreateWithGenerator(label, options);
        return (returns, reference);
    }

    /// <summary><see cref="Create(string, SyntheticOptions)"/>, with the generator that wrote them (its defects, its reference data).</summary>
    public static (string Returns, string Reference, SyntheticReturnsGenerator Generator) CreateWithGenerator(string label, SyntheticOptions options)
    {
        var root = RepoPaths.NewTempFolder(label);
        var returns = Path.Combine(root, "returns");
        var reference = Path.Combine(root, "reference");
        var generator = new SyntheticReturnsGenerator(options);
        generator.WriteTo(returns, reference);
        return (returns, reference, generator);
    }
}
