namespace KpiPipeline.Synthetic.Model;

/// <summary>One provider-month's workforce.csv row (dataset.md section 6).</summary>
public readonly record struct WorkforceRow(int StaffHeadcount, decimal StaffFte, decimal LongTermLeaveFte, int StaffOnLongTermLeave, int StaffUnder2Years)
{
    public decimal AvailableFte => StaffFte - LongTermLeaveFte;
}

/// <summary>
/// A provider's staffing month by month, from its caseload: the available FTE carries the caseload at the provider's
/// usual caseload per FTE (varying a little from month to month, always 40–85), a few more people are on long-term leave
/// on top, and a share of the staff has under two years' service. Seeded per provider, drawn in month order, and apart
/// from the episodes' draws, so that staffing never changes the episodes.
/// </summary>
public sealed class WorkforceModel(SyntheticWorld world, SyntheticProvider provider)
{
    private readonly SeededRandom random = new(SeededRandom.Derive(world.RootSeed, 5, provider.Index));

    /// <summary>
    /// The row for the next month, whose caseload (distinct people in treatment at its end) is <paramref name="caseload"/>;
    /// null when the provider sends no workforce.csv that month (now and then, and whenever it has no one in treatment).
    /// </summary>
    public WorkforceRow? NextMonth(int caseload)
    {
        var traits = provider.Workforce;
        var notSent = random.Chance(Calibration.WorkforceMonthNotSent);
        if (notSent || caseload == 0)
        {
            return null;
        }

        var ratio = traits.CaseloadPerFte * Math.Exp(Calibration.CaseloadPerFteMonthlySigma * random.Normal());
        var available = Math.Clamp(
            Math.Round((decimal)(caseload / ratio), 2),
            Math.Ceiling(caseload * 100m / (decimal)Calibration.CaseloadPerFteHighest) / 100m,
            Math.Floor(caseload * 100m / (decimal)Calibration.CaseloadPerFteLowest) / 100m);
        var availableHeadcount = Math.Max(1, (int)Math.Round((double)available / traits.FtePerPerson, MidpointRounding.AwayFromZero));

        // Each member of staff is on long-term leave with the provider's chance: those on leave come on top of the available.
        var onLeave = 0;
        var leaveChance = traits.LongTermLeaveChance / (1 - traits.LongTermLeaveChance);
        for (var person = 0; person < availableHeadcount; person++)
        {
            onLeave += random.Chance(leaveChance) ? 1 : 0;
        }

        var leaveFte = onLeave == 0 ? 0m : Math.Round((decimal)(onLeave * traits.FtePerPerson * (0.85 + 0.3 * random.NextDouble())), 2);
        var headcount = availableHeadcount + onLeave;
        var under2Share = Math.Clamp(traits.Under2YearsShare + random.Normal(0, Calibration.Under2YearsMonthlySd), 0.2, 0.5);
        var under2 = (int)Math.Round(headcount * under2Share, MidpointRounding.AwayFromZero);
        return new WorkforceRow(headcount, available + leaveFte, leaveFte, onLeave, under2);
    }
}
