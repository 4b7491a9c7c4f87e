namespace KpiPipeline.Kpis.Disclosure;

/// <summary>
/// The relations between public counts that a period's row layout allows (which rows add up to which, which counts two
/// KPIs share), worked out once and used again for every period with the same layout: every period of a publication has
/// one. Which of those relations hold is still checked against each period's counts. Give one to every
/// <see cref="Disclosure.Apply"/> of a publication; safe to use from several threads at once.
/// </summary>
public sealed class DisclosureLayouts
{
    private ComplementarySuppression.Plan? last;

    internal ComplementarySuppression.Plan PlanFor(List<KpiResult> rows, IReadOnlyDictionary<string, string>? nationOfArea)
    {
        if (Volatile.Read(ref last) is { } plan && plan.Fits(rows, nationOfArea))
        {
            return plan;
        }

        plan = ComplementarySuppression.Plan.Of(rows, nationOfArea);
        Volatile.Write(ref last, plan);
        return plan;
    }
}
