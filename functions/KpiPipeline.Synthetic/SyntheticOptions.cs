using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Synthetic;

/// <summary>What to generate. Everything is deterministic for a given set of options.</summary>
public sealed record SyntheticOptions
{
    /// <summary>The main seed; each provider gets its own seed derived from it.</summary>
    public int Seed { get; init; } = 20250401;

    /// <summary>Number of commissioning areas.</summary>
    public int Areas { get; init; } = 3;

    /// <summary>Providers in each area (ignored when <see cref="TotalProviders"/> is set).</summary>
    public int ProvidersPerArea { get; init; } = 2;

    /// <summary>Total providers, spread as evenly as possible over the areas; overrides <see cref="ProvidersPerArea"/>.</summary>
    public int? TotalProviders { get; init; }

    /// <summary>Share of areas in Scotland (rounded; at least one when the share is above 0 and there are 3+ areas).</summary>
    public double ScotlandShare { get; init; } = 0.12;

    /// <summary>Share of areas in Wales (rounded; at least one when the share is above 0 and there are 5+ areas).</summary>
    public double WalesShare { get; init; } = 0.08;

    /// <summary>The first reporting month written.</summary>
    public ReportingMonth FirstMonth { get; init; } = new(2024, 4);

    /// <summary>Number of reporting months written (the last month's end is the latest date in any file).</summary>
    public int Months { get; init; } = 12;

    /// <summary>Average number of people in treatment at one provider at any time (the scale).</summary>
    public int PeoplePerProvider { get; init; } = 300;

    /// <summary>Providers generated at once when writing to folders (1 = sequential). Output does not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;

    /// <summary>Number of episodes files deliberately broken so that validation rejects them (0 = none).</summary>
    public int InjectedDefects { get; init; }

    /// <summary>Write CRLF line ends instead of LF.</summary>
    public bool CrLf { get; init; }

    public ReportingMonth LastMonth
    {
        get
        {
            var month = FirstMonth;
            for (var i = 1; i < Months; i++)
            {
                month = month.Next;
            }

            return month;
        }
    }

    public int ProviderCount => TotalProviders ?? Areas * ProvidersPerArea;

    /// <summary>The demo preset: 3 areas (2 England, 1 Scotland), 6 providers, 12 months, ~300 people per provider.</summary>
    public static SyntheticOptions Demo { get; } = new();

    /// <summary>
    /// The national preset: 150 areas, 600 providers, 60 months, ~430 people per provider
    /// (about 1.5 million episodes; see docs/synthetic-data.md for the sizes).
    /// </summary>
    public static SyntheticOptions National { get; } = new()
    {
        Areas = 150,
        TotalProviders = 600,
        FirstMonth = new(2020, 4),
        Months = 60,
        PeoplePerProvider = 430,
        MaxDegreeOfParallelism = Environment.ProcessorCount,
    };

    /// <summary>Throws when the options cannot produce valid returns.</summary>
    public void Validate()
    {
        if (Areas < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Areas), Areas, "At least one area is needed.");
        }

        if (ProviderCount < Areas)
        {
            throw new ArgumentOutOfRangeException(nameof(TotalProviders), ProviderCount, "Every area needs at least one provider.");
        }

        if (Months is < 1 or > 600)
        {
            throw new ArgumentOutOfRangeException(nameof(Months), Months, "Between 1 and 600 months.");
        }

        if (PeoplePerProvider is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(PeoplePerProvider), PeoplePerProvider, "Between 1 and 1,000,000.");
        }

        if (ScotlandShare < 0 || WalesShare < 0 || ScotlandShare + WalesShare > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ScotlandShare), "Nation shares must be between 0 and 1 together.");
        }

        if (FirstMonth.Year < 1950 || FirstMonth.Month is < 1 or > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(FirstMonth), FirstMonth, "A first month from 1950 on is needed.");
        }

        if (InjectedDefects < 0 || InjectedDefects > ProviderCount * Months)
        {
            throw new ArgumentOutOfRangeException(nameof(InjectedDefects), InjectedDefects, "At most one defect per episodes file.");
        }

        if (MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "At least 1.");
        }
    }
}
