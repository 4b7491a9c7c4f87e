using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Rag;

/// <summary>The rating rules of outputs.md section 3 and kpis.md section 9, on published (rounded) values.</summary>
public static class RagRating
{
    /// <summary>Target basis: higher is better → green ≥ target, amber ≥ target − margin; lower mirrors it.</summary>
    public static string AgainstTarget(KpiPolarity polarity, decimal? value, TargetInForce target)
    {
        if (value is not { } v || polarity == KpiPolarity.None)
        {
            return KpiVocabulary.RagNone;
        }

        if (polarity == KpiPolarity.HigherIsBetter)
        {
            return v >= target.Target ? KpiVocabulary.RagGreen
                : v >= target.Target - target.AmberMargin ? KpiVocabulary.RagAmber
                : KpiVocabulary.RagRed;
        }

        return v <= target.Target ? KpiVocabulary.RagGreen
            : v <= target.Target + target.AmberMargin ? KpiVocabulary.RagAmber
            : KpiVocabulary.RagRed;
    }

    /// <summary>
    /// National-benchmark basis against the ALL value B: higher is better → green V ≥ B, amber 10·V ≥ 9·B;
    /// lower is better → green V ≤ B, amber 10·V ≤ 11·B; red otherwise. Blank V or B → none.
    /// </summary>
    public static string AgainstBenchmark(KpiPolarity polarity, decimal? value, decimal? benchmark)
    {
        if (value is not { } v || benchmark is not { } b || polarity == KpiPolarity.None)
        {
            return KpiVocabulary.RagNone;
        }

        if (polarity == KpiPolarity.HigherIsBetter)
        {
            return v >= b ? KpiVocabulary.RagGreen
                : 10 * v >= 9 * b ? KpiVocabulary.RagAmber
                : KpiVocabulary.RagRed;
        }

        return v <= b ? KpiVocabulary.RagGreen
            : 10 * v <= 11 * b ? KpiVocabulary.RagAmber
            : KpiVocabulary.RagRed;
    }
}
