using System.Text;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Synthetic.Output;

namespace KpiPipeline.Synthetic.Tests;

/// <summary>
/// A wider and longer run than the demo, for figures the demo holds too few of: 40 areas (5 in Scotland, whose first
/// providers run HAT clinics), 60 providers of about 100 people, 36 months. Only the episodes files are written.
/// </summary>
public sealed class LongReturns
{
    public static readonly SyntheticOptions Options = SyntheticOptions.Demo with
    {
        Areas = 40,
        TotalProviders = 60,
        PeoplePerProvider = 100,
        Months = 36,
        FirstMonth = new ReportingMonth(2022, 4),
    };

    public LongReturns()
    {
        Generator = new SyntheticReturnsGenerator(Options);
        var latest = new Dictionary<(string, string), Dictionary<string, string>>();
        for (var index = 0; index < Generator.World.Providers.Count; index++)
        {
            var writer = new ProviderReturnWriter(Generator.World, Generator.SimulateProvider(index), []);
            for (var month = 0; month < Options.Months; month++)
            {
                using var text = new StringWriter();
                writer.WriteEpisodes(month, text);
                foreach (var row in ReturnRulesChecker.Rows(Encoding.UTF8.GetBytes(text.ToString()), out _))
                {
                    latest[(writer.ProviderCode, row["episode_id"])] = row;
                }
            }
        }

        CombinedEpisodes = [.. latest.Values.Where(r => r["record_status"] != "DELETED")];
    }

    public SyntheticReturnsGenerator Generator { get; }

    /// <summary>Every episode's state from the latest month it appears in (dataset.md 2.3), deleted ones left out.</summary>
    public IReadOnlyList<Dictionary<string, string>> CombinedEpisodes { get; }
}
