namespace KpiPipeline.Kpis.Catalogue;

/// <summary>
/// The ambiguities found in dataset.md, kpis.md and outputs.md and the reading the code implements. Rendered into the
/// "Readings of the spec" section of docs/kpis.md.
/// </summary>
public static class SpecReadings
{
    public static IReadOnlyList<(string Topic, string Reading)> All { get; } =
    [
        ("Period range with no episodes",
            "When no episode exists (after folding) the run publishes only the quarter holding the as-of date, so every unit still has its rows."),
        ("Went missing: effective end",
            "An episode's \"last month in which it appeared\" is the month of its winning (latest) row. It went missing when that row has no exit_date and the provider has an accepted episodes.csv for a later month (months starting after the as-of date do not count); its effective end is the last day of that month."),
        ("DQ03 events",
            "DQ03 counts W02 events: for each accepted episodes.csv of a provider after its first, the episodes that were ACTIVE with no exit_date in the provider's previous accepted episodes.csv (the previous file, not necessarily the calendar month before) and are absent from this file, counted in this file's month. An episode left out and later sent again still counts once for the month that left it out; an episode left out of several files in a row counts once (it was not open at the end of the months it was missing from)."),
        ("Future months",
            "Files (episodes, reviews and nsp) for a month whose first day is after the as-of date are ignored and listed in the run warnings. Where the same path appears more than once in the input, the later entry (the latest accepted upload) wins."),
        ("Reviews of unknown episodes",
            "After folding, a review counts only when its (provider, episode_id) is an episode that exists and is not deleted; reviews of deleted episodes are left out as well."),
        ("NSP periods",
            "NSP transactions are placed in the quarter of their transaction_date. Transactions before the first published quarter (NSP dates do not extend the range) are not counted."),
        ("Unregistered providers",
            "Episodes of a provider not in providers.csv (which validation should never accept) are left out of every KPI with a run warning, but still count as re-presentations of the same client. A provider whose area is not in areas.csv gets provider rows and counts in ALL only."),
        ("area_code column",
            "At provider level it is the provider's area; at area level it is the area itself; at nation and all level it is blank."),
        ("Exits of episodes that never started",
            "They count as exits in EXT01–EXT06 (as kpis.md says), while the VOL01 denominator counts only episodes that started. A percentage of VOL01 can therefore in rare data exceed 100; the value is published as computed."),
        ("Substance-group numerators over VOL01",
            "For ‡ KPIs whose denominator is VOL01 (EXT01, EXT02) a client counts in a group's numerator when the qualifying exit is on an episode of that group, and the denominator is VOL01 of the same group."),
        ("EXT02 and EXT03 per unit",
            "\"Any one\" and \"every such exit\" consider the client's SUCCESSFUL exits in P within the unit (and substance group). EXT03's numerator is therefore the EXT01 numerator minus the EXT02 numerator. Re-presentations are looked for across every provider and area."),
        ("Paired reviews",
            "START is the earliest START review of the episode; LATEST is the latest REVIEW or EXIT review dated in P and strictly after START's date, chosen before looking at the measure (on a shared date the EXIT review wins). The pair counts for a measure only when both reviews hold it. A START review after every review in P gives no pair."),
        ("SOFT07",
            "goals_set blank counts as no goals (the review is not in the denominator); goals_progressed blank counts as not progressed. Every REVIEW or EXIT review dated in P of an episode in treatment in P counts, paired or not."),
        ("RET01/RET02 provisional cohort",
            "While provisional, the cohort keeps episodes with an exit_date recorded or whose start + 84 ≤ as-of; an episode that only went missing (no exit_date) and is younger than 84 days is left out. TRANSFER/DIED exclusions need an exit_date within 84 days of start."),
        ("POP01",
            "\"In treatment at any time in [P.end − 364, P.end]\" means treatment_start_date ≤ P.end and effective end blank or ≥ P.end − 364. Clients are distinct within the unit over the providers of its areas that have an estimate; the value is rounded to one decimal like a percent."),
        ("EXT01 and EXT02 polarity",
            "Their rows in kpis.md name no direction, but a national-benchmark rating and a target both need one: both are higher_is_better (EXT03 is lower_is_better as stated)."),
        ("Amber margin in the catalogue",
            "Every KPI with a polarity carries amber margin 5 (the margin used when a target applies and targets.csv leaves it blank); KPIs without a polarity have none."),
        ("Targets",
            "targets.csv rows for an unknown KPI, for a KPI without a polarity, or for an area not in areas.csv are ignored with a run warning. Nation and ALL rows are reached only by `*` rows (and the catalogue default). A target on EXT01–EXT03 at a unit rates that unit on basis target; other units stay on the national benchmark."),
        ("National benchmark",
            "The benchmark is the ALL row of the same KPI, period, dimension and dimension value; when it is blank, rows are rated none. The ALL row itself is rated none (basis national_benchmark)."),
        ("DQ01 on time",
            "An expected provider-month is on time when an accepted upload of the provider's episodes.csv for that month was made, as a UTC date, on or before the 15th of the following month. A later correction does not make an on-time month late, but a month whose only on-time upload was rejected and whose accepted resubmission came after the 15th is late: commissioners count usable data by the deadline. A path accepted but absent from the ledger (the offline command) counts as on time."),
        ("DQ02",
            "Each rejected upload counts (a rejected resubmission of an accepted file counts too), in the provider's unit chain for the month of its path; uploads rejected for a bad path or an unregistered provider count nowhere."),
        ("Disclosure: POP01 and NSP04",
            "Both are recomputed from the rounded numerator and rounded denominator: NSP04 = rounded needles × 4 ÷ rounded estimate (two decimals); POP01 = 100 − 100 × rounded clients ÷ rounded estimate (one decimal). A numerator or estimate of 1–7 blanks the value and suppresses the row."),
        ("Disclosure: means and medians",
            "A mean or median whose n is 1–7 is blanked with n; n = 0 leaves 0 and a blank value; otherwise the value is kept and n is rounded to the nearest 5. Count KPIs publish the rounded count as both numerator and value. No secondary suppression is applied (for example a suppressed substance-group row next to its all row)."),
        ("Rounding to 5",
            "Counts are whole numbers, so a count never sits exactly halfway between multiples of 5; \"halves up\" is implemented as floor((c + 2.5) / 5) × 5."),
    ];
}
