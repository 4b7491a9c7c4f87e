using System.Buffers;
using System.Globalization;

namespace KpiPipeline.Kpis.Engine;

/// <summary>
/// What the KPIs read of one provider's completed fold, made as soon as the provider is complete so that a run holds
/// compact values rather than every provider's folded rows: its live episodes as <see cref="EpisodeFact"/>s (client and
/// unit not yet numbered; reviews indexed within the provider), their client keys, and its reviews in per-episode order
/// (<see cref="ReviewIndex"/>). The run's <see cref="EpisodeIndex"/> takes each provider's facts once, in provider order.
/// </summary>
internal sealed class ProviderFacts(EpisodeFact[] episodes, ClientKey[] clients, ReviewFact[] reviews)
{
    private (EpisodeFact[] Episodes, ClientKey[] Clients, ReviewFact[] Reviews)? held = (episodes, clients, reviews);

    /// <summary>The earliest referral day of the provider's episodes; null when it has none.</summary>
    public int? FirstReferral { get; } = episodes.Length == 0 ? null : episodes.Min(e => e.Referral);

    /// <summary>Hands the facts over (once: the index owns them from then on).</summary>
    /// <exception cref="InvalidOperationException">When they were taken before: a fold is computed once.</exception>
    public (EpisodeFact[] Episodes, ClientKey[] Clients, ReviewFact[] Reviews) Take()
    {
        var facts = held ?? throw new InvalidOperationException("These folded returns were computed already; fold the returns again to compute them again.");
        held = null;
        return facts;
    }
}

/// <summary>
/// A client key as the engine compares it: the 64 lowercase hex digits the pseudonymiser writes, packed into 32 bytes
/// (a national run holds a million of them); any other text is kept as it is. Two keys are equal exactly when their texts are.
/// </summary>
internal readonly record struct ClientKey
{
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private readonly UInt128 high;
    private readonly UInt128 low;
    private readonly string? text;

    public ClientKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 64 && !key.AsSpan().ContainsAnyExcept(LowerHex))
        {
            high = UInt128.Parse(key.AsSpan(0, 32), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            low = UInt128.Parse(key.AsSpan(32), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }
        else
        {
            text = key;
        }
    }
}
