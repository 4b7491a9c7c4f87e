using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Synthetic.Model;

/// <summary>A needle and syringe programme outlet run by a provider.</summary>
public sealed record NspOutlet(string OutletCode, OutletType OutletType, double TransactionWeight);

/// <summary>A synthetic commissioning area and the figures its reference row is built from.</summary>
public sealed record SyntheticArea(
    int Index,
    string AreaCode,
    string AreaName,
    Nation Nation,
    bool PublishesOpiateEstimate,
    bool PublishesPwidEstimate,
    double UnmetNeed);

/// <summary>
/// How a provider staffs its caseload (workforce.csv): its usual caseload per available FTE, the share of its staff with
/// under two years' service, each member's chance of being on long-term leave, and the FTE per member of staff.
/// </summary>
public sealed record WorkforceTraits(double CaseloadPerFte, double Under2YearsShare, double LongTermLeaveChance, double FtePerPerson);

/// <summary>A synthetic provider: identity, area and the traits that make it differ from its neighbours.</summary>
/// <param name="HatPlaces">Places at its HAT clinic (0: none).</param>
public sealed record SyntheticProvider(
    int Index,
    string ProviderCode,
    string ProviderName,
    SyntheticArea Area,
    double Caseload,
    double WaitedThreeWeeksShare,
    double SameDayShare,
    int HatPlaces,
    IReadOnlyList<NspOutlet> Outlets,
    WorkforceTraits Workforce)
{
    public bool HasHatClinic => HatPlaces > 0;

    /// <summary>Fresh referrals a month that keep the caseload near its target in the steady state.</summary>
    public double FreshReferralsPerMonth => Caseload / ProviderSimulation.CaseloadMonthsPerFreshReferral;
}

/// <summary>
/// The areas and providers for a set of options. Everything here is a pure function of the options, so any
/// provider can be generated on its own (and in parallel) and still agree with every other provider.
/// </summary>
public sealed class SyntheticWorld
{
    private static readonly string[] PlacePrefixes =
    [
        "Ash", "Bramble", "Castle", "Elm", "Fair", "Glen", "Hawk", "Kings", "Lark", "Mill", "North", "Oak",
        "Red", "Stone", "West", "Wind", "Brook", "Cold", "Dun", "Holm",
    ];

    private static readonly string[] PlaceSuffixes =
    [
        "bridge", "bury", "field", "ford", "ham", "hurst", "mouth", "stead", "ton", "wick", "vale", "moor",
    ];

    private static readonly string[] ServiceNames =
    [
        "Recovery Service", "Shared Care Partnership", "Alcohol and Drug Service", "Harm Reduction Team",
    ];

    public SyntheticWorld(SyntheticOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        RootSeed = SeededRandom.Derive((ulong)(uint)options.Seed, 0x5EED);
        Anchor = options.FirstMonth.FirstDay;
        WindowEnd = options.LastMonth.LastDay;
        Areas = BuildAreas(options);
        Providers = BuildProviders(options, Areas, RootSeed);
    }

    public SyntheticOptions Options { get; }

    public ulong RootSeed { get; }

    /// <summary>The first day of the first reporting month.</summary>
    public DateOnly Anchor { get; }

    /// <summary>The last day of the last reporting month: no date in any file is later.</summary>
    public DateOnly WindowEnd { get; }

    public IReadOnlyList<SyntheticArea> Areas { get; }

    public IReadOnlyList<SyntheticProvider> Providers { get; }

    public IEnumerable<SyntheticProvider> ProvidersOf(SyntheticArea area) => Providers.Where(p => p.Area == area);

    private static List<SyntheticArea> BuildAreas(SyntheticOptions options)
    {
        var count = options.Areas;
        var scotland = CountFor(count, options.ScotlandShare, minimumAreas: 3);
        var wales = CountFor(count, options.WalesShare, minimumAreas: 5);
        while (scotland + wales >= count && (scotland > 0 || wales > 0))
        {
            if (wales > 0)
            {
                wales--;
            }
            else
            {
                scotland--;
            }
        }

        var areas = new List<SyntheticArea>(count);
        int england = 0, scots = 0, welsh = 0;
        for (var i = 0; i < count; i++)
        {
            var nation = i >= count - scotland ? Nation.SCOTLAND
                : i >= count - scotland - wales ? Nation.WALES
                : Nation.ENGLAND;
            var code = nation switch
            {
                Nation.SCOTLAND => $"S12{++scots:D6}",
                Nation.WALES => $"W06{++welsh:D6}",
                _ => $"E06{++england:D6}",
            };
            var prefix = i % PlacePrefixes.Length;
            var round = i / PlacePrefixes.Length;
            var suffix = (round + prefix) % PlaceSuffixes.Length;
            var name = PlacePrefixes[prefix] + PlaceSuffixes[suffix];
            if (round >= PlaceSuffixes.Length)
            {
                name += $" {round / PlaceSuffixes.Length + 1}";
            }

            var unmet = Calibration.UnmetNeedMin
                + (Calibration.UnmetNeedMax - Calibration.UnmetNeedMin) * (SeededRandom.Mix((ulong)i + 77) % 1000) / 1000.0;
            areas.Add(new SyntheticArea(i, code, name, nation, PublishesOpiateEstimate: i % 7 != 2, PublishesPwidEstimate: i % 5 != 1, unmet));
        }

        return areas;
    }

    private static double Uniform(SeededRandom random, double min, double max) => min + (max - min) * random.NextDouble();

    private static int CountFor(int areas, double share, int minimumAreas)
    {
        var count = (int)Math.Round(areas * share, MidpointRounding.AwayFromZero);
        return share > 0 && count == 0 && areas >= minimumAreas ? 1 : count;
    }

    private static List<SyntheticProvider> BuildProviders(SyntheticOptions options, IReadOnlyList<SyntheticArea> areas, ulong rootSeed)
    {
        var total = options.ProviderCount;
        var providers = new List<SyntheticProvider>(total);
        var ordinalInArea = new int[areas.Count];
        for (var g = 0; g < total; g++)
        {
            var area = areas[(int)((long)g * areas.Count / total)];
            var ordinal = ordinalInArea[area.Index]++;
            var random = new SeededRandom(SeededRandom.Derive(rootSeed, 1, g));
            var code = $"PR{g + 1:D4}";
            var name = $"{area.AreaName} {ServiceNames[ordinal % ServiceNames.Length]}"
                + (ordinal >= ServiceNames.Length ? $" {ordinal / ServiceNames.Length + 1}" : string.Empty);
            var scale = Math.Clamp(random.LogNormal(1.0, 0.3), 0.5, 2.0);
            var waited = Math.Clamp(random.Normal(Calibration.WaitedThreeWeeksOrLess, Calibration.WaitedThreeWeeksProviderSd), 0.5, 0.9);
            var scotland = area.Nation == Nation.SCOTLAND;
            var sameDay = scotland ? Calibration.SameDayStartScotland : Calibration.SameDayStart;
            var hat = (scotland && ordinal == 0) || random.Chance(0.04);
            var hasNsp = ordinal == 0 || random.Chance(Calibration.ProvidersWithNsp);
            var outlets = new List<NspOutlet>();
            if (hasNsp)
            {
                var pharmacies = 2 + random.Next((int)Math.Round(4 * scale) + 1);
                for (var i = 1; i <= pharmacies; i++)
                {
                    outlets.Add(new NspOutlet($"{code}-PH{i:D2}", OutletType.PHARMACY,
                        Calibration.PharmacyShareOfTransactions / pharmacies * random.LogNormal(1, 0.3)));
                }

                outlets.Add(new NspOutlet($"{code}-SP01", OutletType.SPECIALIST, 0.3));
                if (random.Chance(0.5))
                {
                    outlets.Add(new NspOutlet($"{code}-OR01", OutletType.OUTREACH, 0.07));
                }

                if (random.Chance(0.15))
                {
                    outlets.Add(new NspOutlet($"{code}-OT01", OutletType.OTHER, 0.03));
                }
            }

            // Traits added with data set 1.1 come from a stream of their own, so that the draws above (and every
            // provider's episodes) are what they were before.
            var more = new SeededRandom(SeededRandom.Derive(rootSeed, 6, g));
            var hatPlaces = hat ? more.Between(Calibration.HatPlacesMin, Calibration.HatPlacesMax) : 0;
            var workforce = new WorkforceTraits(
                Uniform(more, Calibration.CaseloadPerFteMin, Calibration.CaseloadPerFteMax),
                Uniform(more, Calibration.Under2YearsShareMin, Calibration.Under2YearsShareMax),
                Uniform(more, Calibration.LongTermLeaveChanceMin, Calibration.LongTermLeaveChanceMax),
                Uniform(more, Calibration.FtePerPersonMin, Calibration.FtePerPersonMax));
            providers.Add(new SyntheticProvider(g, code, name, area, options.PeoplePerProvider * scale, waited, sameDay, hatPlaces, outlets, workforce));
        }

        return providers;
    }
}
