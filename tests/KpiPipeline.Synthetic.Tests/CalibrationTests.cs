using System.Globalization;
using KpiPipeline.Core.Dataset;
using Xunit.Abstractions;

namespace KpiPipeline.Synthetic.Tests;

/// <summary>
/// Generated returns land near the seed figures they are calibrated to (docs/synthetic-data.md): the demo preset, and
/// for HAT and prison releases, of which the demo holds too few, a wider and longer run (<see cref="LongReturns"/>).
/// Every figure is computed from the files, as the pipeline would read them.
/// </summary>
public sealed class CalibrationTests(DemoReturns demo, LongReturns wide, ITestOutputHelper log) : IClassFixture<DemoReturns>, IClassFixture<LongReturns>
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

    [Fact]
    public void Maintenance_is_the_common_goal_on_OST_and_abstinence_for_alcohol_and_other_drugs_with_some_goals_not_recorded()
    {
        var started = demo.CombinedEpisodes().Where(r => r["treatment_start_date"] != "").ToList();
        var ost = started.Where(r => r["medication"] is "METHADONE" or "BUPRENORPHINE" or "BUPRENORPHINE_NALOXONE" or "BUPRENORPHINE_DEPOT").ToList();
        var nonOpiate = started.Where(r => r["primary_substance"] is not ("HEROIN" or "OTHER_OPIOID")).ToList();
        var lastMonthEnd = SyntheticOptions.Demo.LastMonth.LastDay;
        var longOnOst = ost.Where(r => r["exit_date"] == "" && lastMonthEnd.DayNumber - Day(r["treatment_start_date"]) > 2 * 365).ToList();

        var ostGoals = Shares(ost, "treatment_goal");
        var nonOpiateGoals = Shares(nonOpiate, "treatment_goal");
        log.WriteLine($"OST: {Describe(ostGoals)}; OST over 2 years: {Describe(Shares(longOnOst, "treatment_goal"))}; alcohol and non-opiate: {Describe(nonOpiateGoals)}");

        Assert.Equal("MAINTENANCE", ostGoals.MaxBy(g => g.Value).Key);
        Assert.InRange(ostGoals["MAINTENANCE"], 0.35, 0.65);
        Assert.True(Shares(longOnOst, "treatment_goal")["MAINTENANCE"] > ostGoals["MAINTENANCE"]);
        Assert.Equal("ABSTINENCE", nonOpiateGoals.MaxBy(g => g.Value).Key);
        Assert.InRange(nonOpiateGoals["ABSTINENCE"], 0.45, 0.75);
        Assert.InRange(Shares(started, "treatment_goal")[""], 0.04, 0.14);
    }

    [Fact]
    public void A_few_providers_run_HAT_clinics_of_a_dozen_or_so_clients_and_about_60_percent_are_engaged_at_one_year()
    {
        var hat = wide.CombinedEpisodes.Where(r => r["setting"] == "HAT_CLINIC").ToList();
        var providers = hat.Select(r => r["provider_code"]).Distinct().ToList();
        var monthEnds = Enumerable.Range(0, LongReturns.Options.Months).Select(m => LongReturns.Options.FirstMonth.FirstDay.AddMonths(m + 1).AddDays(-1)).ToList();
        var clients = providers.SelectMany(p => monthEnds.Select(end => hat.Count(r => r["provider_code"] == p && Day(r["treatment_start_date"]) <= end.DayNumber
            && (r["exit_date"] == "" || Day(r["exit_date"]) > end.DayNumber)))).ToList();
        var windowStart = LongReturns.Options.FirstMonth.FirstDay.DayNumber;
        var windowEnd = LongReturns.Options.LastMonth.LastDay.DayNumber;
        var cohort = hat.Where(r => Day(r["treatment_start_date"]) >= windowStart && Day(r["treatment_start_date"]) + 365 <= windowEnd).ToList();
        var engaged = cohort.Count(r => r["exit_date"] == "" || Day(r["exit_date"]) - Day(r["treatment_start_date"]) >= 365);
        var leavers = cohort.Where(r => r["exit_date"] != "" && Day(r["exit_date"]) - Day(r["treatment_start_date"]) < 365).ToList();
        log.WriteLine($"{providers.Count} of {LongReturns.Options.TotalProviders} providers run HAT; clients at a month end: mean {clients.Average():0.0}, " +
            $"max {clients.Max()}; engaged at one year {engaged} of {cohort.Count}; leavers within six months {leavers.Count(r => Day(r["exit_date"]) - Day(r["treatment_start_date"]) < 182)} of {leavers.Count}");

        Assert.InRange(providers.Count, 3, LongReturns.Options.TotalProviders!.Value / 6);
        Assert.All(hat, r => Assert.Equal("DIAMORPHINE", r["medication"]));
        Assert.InRange(clients.Average(), 8, 15);
        Assert.InRange(clients.Max(), 10, 16);
        Assert.True(cohort.Count >= 40, $"{cohort.Count} HAT starts with a year behind them");
        Assert.InRange(engaged / (double)cohort.Count, 0.45, 0.75);
        Assert.True(leavers.Count(r => Day(r["exit_date"]) - Day(r["treatment_start_date"]) < 182) > leavers.Count / 2);
    }

    [Fact]
    public void Fewer_than_half_of_prison_releases_start_treatment_within_three_weeks_and_some_never_start()
    {
        var windowStart = LongReturns.Options.FirstMonth.FirstDay.DayNumber;
        var windowEnd = LongReturns.Options.LastMonth.LastDay.DayNumber;
        var released = wide.CombinedEpisodes
            .Where(r => r["referral_source"] == "PRISON_RELEASE" && Day(r["referral_date"]) >= windowStart && Day(r["referral_date"]) + 120 <= windowEnd)
            .ToList();
        var waits = released.Select(r => r["treatment_start_date"] == "" ? (int?)null : Day(r["treatment_start_date"]) - Day(r["referral_date"])).ToList();
        var engaged = waits.Count(w => w <= 21) / (double)released.Count;
        var neverStarted = waits.Count(w => w is null) / (double)released.Count;
        log.WriteLine($"{released.Count} prison releases: {engaged:P1} started within 21 days, {neverStarted:P1} never started");

        Assert.True(released.Count > 150, $"{released.Count} prison releases");
        Assert.InRange(engaged, 0.37, 0.53);
        Assert.InRange(neverStarted, 0.25, 0.45);
        Assert.InRange(released.Count / (double)wide.CombinedEpisodes.Count(r => Day(r["referral_date"]) >= windowStart && Day(r["referral_date"]) + 120 <= windowEnd), 0.02, 0.05);
    }

    [Fact]
    public void Workforce_carries_40_to_85_clients_per_available_FTE_with_20_to_50_percent_of_staff_under_two_years_and_some_on_long_term_leave()
    {
        var episodes = demo.Returns(ReturnFileKind.Episodes).ToDictionary(x => (x.Path.ProviderCode, x.Path.Month), x => ReturnRulesChecker.Rows(x.File.Content, out _));
        var workforce = demo.Returns(ReturnFileKind.Workforce)
            .Select(x => (x.Path, Row: ReturnRulesChecker.Rows(x.File.Content, out _).Single()))
            .ToList();
        var ratios = workforce.Select(w =>
        {
            var caseload = episodes[(w.Path.ProviderCode, w.Path.Month)]
                .Where(r => r["treatment_start_date"] != "" && r["exit_date"] == "" && r["record_status"] == "ACTIVE")
                .Select(r => r["first_initial"] + r["last_initial"] + r["date_of_birth"] + r["sex"])
                .Distinct()
                .Count();
            return caseload / (Number(w.Row["staff_fte"]) - Number(w.Row["long_term_leave_fte"]));
        }).ToList();
        var notSent = 1 - workforce.Count / (double)episodes.Count;
        double Share(string column, IEnumerable<Dictionary<string, string>> rows) =>
            rows.Sum(r => Number(r[column])) / rows.Sum(r => Number(r["staff_headcount"]));
        var byProvider = workforce.GroupBy(w => w.Path.ProviderCode).Select(g => Share("staff_under_2_years", g.Select(w => w.Row))).ToList();
        var onLeave = Share("staff_on_long_term_leave", workforce.Select(w => w.Row));
        log.WriteLine($"clients per available FTE {ratios.Min():0.0}–{ratios.Max():0.0} (mean {ratios.Average():0.0}); under two years by provider " +
            $"{byProvider.Min():P0}–{byProvider.Max():P0}; on long-term leave {onLeave:P1} of staff; months not sent {notSent:P1}");

        Assert.All(ratios, ratio => Assert.InRange(ratio, 40, 85));
        Assert.True(ratios.Max() - ratios.Min() > 15, "providers differ in caseload per FTE");
        Assert.InRange(Share("staff_under_2_years", workforce.Select(w => w.Row)), 0.2, 0.5);
        Assert.All(byProvider, share => Assert.InRange(share, 0.2, 0.5));
        Assert.InRange(onLeave, 0.02, 0.15);
        Assert.Contains(workforce, w => Number(w.Row["staff_on_long_term_leave"]) == 0);
        Assert.InRange(notSent, 0.01, 0.15);
        Assert.Equal(demo.Generator.World.Providers.Count, workforce.Select(w => w.Path.ProviderCode).Distinct().Count());
    }

    private static int Day(string date) => ReturnRulesChecker.Date(date)!.Value.DayNumber;

    private static double Number(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    /// <summary>Each value's share of the rows (a blank value under "").</summary>
    private static Dictionary<string, double> Shares(List<Dictionary<string, string>> rows, string column) =>
        rows.GroupBy(r => r[column]).ToDictionary(g => g.Key, g => g.Count() / (double)rows.Count);

    private static string Describe(Dictionary<string, double> shares) =>
        string.Join(", ", shares.OrderByDescending(s => s.Value).Select(s => $"{(s.Key == "" ? "not recorded" : s.Key)} {s.Value:P0}"));
}
