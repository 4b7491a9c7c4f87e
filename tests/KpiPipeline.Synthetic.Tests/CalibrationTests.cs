using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Synthetic.Tests;

/// <summary>The demo preset lands near the seed figures it is calibrated to (docs/synthetic-data.md).</summary>
public sealed class CalibrationTests(DemoReturns demo) : IClassFixture<DemoReturns>
{
    private static readonly DateOnly WindowStart = SyntheticOptions.Demo.FirstMonth.FirstDay;

    [Fact]
    public void About_three_quarters_of_starts_wait_three_weeks_or_less()
    {
        var waits = demo.CombinedEpisodes()
            .Where(r => ReturnRulesChecker.Date(r["treatment_start_date"]) is { } s && s >= WindowStart)
            .Select(r => ReturnRulesChecker.Date(r["treatment_start_date"])!.Value.DayNumber - ReturnRulesChecker.Date(r["referral_date"])!.Value.DayNumber)
            .ToList();

        Assert.True(waits.Count > 500);
        Assert.InRange(waits.Count(w => w <= 21) / (double)waits.Count, 0.65, 0.8);
        Assert.Contains(waits, w => w == 0);
        Assert.InRange(waits.Count(w => w > 365) / (double)waits.Count, 0, 0.01);
    }

    [Fact]
    public void A_person_sometimes_appears_at_more_than_one_provider()
    {
        var providersByPerson = new Dictionary<string, HashSet<string>>();
        foreach (var (path, file) in demo.Returns(ReturnFileKind.Episodes))
        {
            foreach (var r in ReturnRulesChecker.Rows(file.Content, out _))
            {
                var person = r["first_initial"] + r["last_initial"] + r["date_of_birth"] + r["sex"];
                if (!providersByPerson.TryGetValue(person, out var set))
                {
                    providersByPerson[person] = set = [];
                }

                set.Add(path.ProviderCode);
            }
        }

        var shared = providersByPerson.Values.Count(s => s.Count > 1);
        Assert.InRange(shared, 10, providersByPerson.Count / 10);
    }

    [Fact]
    public void A_person_sometimes_has_several_episodes_at_one_provider()
    {
        var repeat = demo.CombinedEpisodes()
            .GroupBy(r => r["first_initial"] + r["last_initial"] + r["date_of_birth"] + r["sex"])
            .Count(g => g.Count() > 1);

        Assert.True(repeat > 20);
    }

    [Fact]
    public void Nsp_transactions_are_present_for_every_provider_with_outlets_and_reuse_registrant_tokens()
    {
        var world = demo.Generator.World;
        var nsp = demo.Returns(ReturnFileKind.Nsp).SelectMany(x => ReturnRulesChecker.Rows(x.File.Content, out _)).ToList();
        foreach (var provider in world.Providers)
        {
            var count = nsp.Count(r => r["provider_code"] == provider.ProviderCode);
            Assert.True(provider.Outlets.Count == 0 ? count == 0 : count > 100, provider.ProviderCode);
        }

        var tokens = nsp.Where(r => r["registrant_token"] != "").GroupBy(r => r["registrant_token"]).ToList();
        Assert.Contains(tokens, g => g.Count() > 3);
        var perTransaction = nsp.Average(r => int.Parse(r["needles_supplied"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(perTransaction, 10, 40);
    }

    [Fact]
    public void Methadone_doses_sit_mostly_in_the_optimal_band_and_completions_end_on_zero()
    {
        var episodes = demo.CombinedEpisodes();
        var methadone = episodes
            .Where(r => r["medication"] == "METHADONE" && r["daily_dose_mg"] != "" && r["exit_date"] == "")
            .Select(r => int.Parse(r["daily_dose_mg"], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

        // Below 30 mg only while titrating up or reducing before a completion.
        Assert.All(methadone, d => Assert.InRange(d, 0, 150));
        Assert.InRange(methadone.Count(d => d is >= 60 and <= 120) / (double)methadone.Count, 0.5, 0.72);
        Assert.Contains(episodes, r => r["medication"] == "DIAMORPHINE" && r["setting"] == "HAT_CLINIC");
    }

    [Fact]
    public void Opiate_outcomes_are_near_the_study_site_figures()
    {
        var episodes = demo.CombinedEpisodes();
        var lastMonth = SyntheticOptions.Demo.LastMonth.FirstDay;
        var ost = episodes.Where(r => r["medication"] is not ("" or "NONE") && r["exit_date"] == "").ToList();
        var beyondSixYears = ost.Count(r => lastMonth.DayNumber - ReturnRulesChecker.Date(r["treatment_start_date"])!.Value.DayNumber > 2191);
        Assert.InRange(beyondSixYears / (double)ost.Count, 0.2, 0.36);

        var opiate = episodes.Where(r => r["primary_substance"] is "HEROIN" or "OTHER_OPIOID").ToList();
        var exits = opiate.Where(r => ReturnRulesChecker.Date(r["exit_date"]) is { } x && x >= WindowStart).ToList();
        var inTreatment = opiate.Count(r => r["treatment_start_date"] != "" && (r["exit_date"] == "" || ReturnRulesChecker.Date(r["exit_date"]) >= WindowStart));
        Assert.InRange(exits.Count(r => r["exit_reason"] == "DROPPED_OUT") / (double)inTreatment, 0.05, 0.15);
        Assert.InRange(exits.Count(r => r["exit_reason"].StartsWith("COMPLETED", StringComparison.Ordinal)) / (double)inTreatment, 0.12, 0.24);
        Assert.InRange(exits.Count(r => r["exit_reason"] == "DIED") / (double)inTreatment, 0.001, 0.03);
    }

    [Fact]
    public void Recovery_capital_improves_on_average_between_start_and_latest_review()
    {
        var reviews = demo.Returns(ReturnFileKind.Reviews).SelectMany(x => ReturnRulesChecker.Rows(x.File.Content, out _))
            .Where(r => r["barc10_score"] != "").ToList();
        var changes = reviews.GroupBy(r => r["episode_id"] + r["provider_code"])
            .Select(g => g.OrderBy(r => r["review_date"], StringComparer.Ordinal).ToList())
            .Where(l => l[0]["stage"] == "START" && l.Count > 1)
            .Select(l => int.Parse(l[^1]["barc10_score"], System.Globalization.CultureInfo.InvariantCulture) - int.Parse(l[0]["barc10_score"], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

        Assert.True(changes.Count > 100);
        Assert.InRange(changes.Average(), 2, 20);
    }
}
