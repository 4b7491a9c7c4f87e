using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Disclosure;

/// <summary>
/// Complementary suppression of the public rows of one period (added to outputs.md section 4; docs/kpis.md, "Disclosure:
/// complementary suppression"). Rounding to 5 and blanking 1–7 does not always hide a blanked count: a breakdown adds up to
/// its total, so an analyst who knows that a published count r stands for r − 2 … r + 2 (0 for 0) can sometimes pin a blank
/// exactly (a total of 170 with M 115, F 60 and X blank leaves X at most 172 − 113 − 58 = 1).
/// </summary>
/// <remarks>
/// <para>
/// What an analyst knows (<see cref="Initial"/>): a published count r is r − 2 … r + 2, 0 is 0; a blank is 1–7 where its row
/// publishes a non-zero count beside it, else 1 or more (a row withheld here publishes no non-zero count, so it looks like a
/// row of small counts). The relations an analyst can use (<see cref="Relations"/>): each breakdown and the row it breaks
/// down; each nation and its areas, and ALL and the nations; EXT01 = EXT02 + EXT03; a count two KPIs share (one count
/// published twice); a proportion's numerator at most its denominator, and a few counts at most another KPI's. Each is used
/// only where the restricted counts satisfy it (distinct people need not add up over areas).
/// </para>
/// <para>
/// The bounds are tightened through every relation until none narrows (bounds propagation, as an analyst would combine
/// them). A count blanked for being 1–7 that is left with one value gets a complement (<see cref="Complement"/>): a nearby
/// published row, tried by working out its neighbourhood again, is withheld, every non-zero count of it blanked (so that its
/// other count does not bound it), its value blank and the row suppressed; with it every row publishing one of those counts
/// again (<see cref="WithheldWith"/>). Then everything is worked out again, until no such count is pinned. Numerators and
/// denominators are separate variables; zeros stay published (a zero hides nothing).
/// </para>
/// </remarks>
internal static partial class ComplementarySuppression
{
    private const long Unbounded = 1L << 40;
    private const int MaxRounds = 64;
    private const int FurthestComplement = 4;
    private const int MaxTrials = 8;
    private const int HeadlineCost = 16;
    private const int WideCost = 4;

    /// <summary>
    /// Counts two or more KPIs publish of the same people, unit by unit and breakdown cell by cell (kpis.md: ACC01–ACC03 all
    /// count starts in P; EXT01, EXT02, EXT04 and EXT05 divide by VOL01; EXT03's people are EXT01's; the RET01/RET02 cohort;
    /// RET03/RET04's OST clients; SOFT01/SOFT02's paired barc10 episodes; CAP02/CAP03's headcount). Column 0 is the numerator.
    /// </summary>
    private static readonly (string Kpi, int Column)[][] SharedCounts =
    [
        [(KpiIds.Acc01, 1), (KpiIds.Acc02, 1), (KpiIds.Acc03, 1)],
        [(KpiIds.Vol01, 0), (KpiIds.Ext01, 1), (KpiIds.Ext02, 1), (KpiIds.Ext04, 1), (KpiIds.Ext05, 1)],
        [(KpiIds.Ext01, 0), (KpiIds.Ext03, 1)],
        [(KpiIds.Ret01, 1), (KpiIds.Ret02, 1)],
        [(KpiIds.Ret03, 1), (KpiIds.Ret04, 1)],
        [(KpiIds.Soft01, 1), (KpiIds.Soft02, 1)],
        [(KpiIds.Cap02, 1), (KpiIds.Cap03, 1)],
    ];

    /// <summary>
    /// Counts of different KPIs where the first is at most the second (kpis.md: a same-day start waited at most 3 weeks; 6
    /// years of OST are more than 4; a new presentation is in treatment and started in P, as did every episode of the RET01
    /// cohort; OST clients are in treatment, and methadone, buprenorphine and stable-maintenance clients are OST clients; so
    /// are HAT clients and a caseload; a client with a successful exit has an episode with one, which has a start date but for
    /// the rare exit of an episode that never started — audits on 2026-12-06 recovered counts through these), besides each
    /// proportion's numerator and denominator. Each is used only where it holds.
    /// </summary>
    private static readonly ((string Kpi, int Column) Smaller, (string Kpi, int Column) Larger)[] Ordered =
    [
        ((KpiIds.Acc03, 0), (KpiIds.Acc01, 0)),
        ((KpiIds.Ret04, 0), (KpiIds.Ret03, 0)),
        ((KpiIds.Vol02, 0), (KpiIds.Vol01, 0)),
        ((KpiIds.Vol02, 0), (KpiIds.Acc01, 1)),
        ((KpiIds.Ret01, 1), (KpiIds.Acc01, 1)),
        ((KpiIds.Ret03, 1), (KpiIds.Vol01, 0)),
        ((KpiIds.Dos01, 1), (KpiIds.Ret03, 1)),
        ((KpiIds.Dos02, 1), (KpiIds.Ret03, 1)),
        ((KpiIds.Ext08, 1), (KpiIds.Ret03, 1)),
        ((KpiIds.Hat03, 0), (KpiIds.Vol01, 0)),
        ((KpiIds.Cap01, 0), (KpiIds.Vol01, 0)),
        ((KpiIds.Ext01, 0), (KpiIds.Ext07, 1)),
    ];

    /// <summary>
    /// Blanks further counts of <paramref name="rows"/> (public, one period) as needed; <paramref name="sources"/> are their
    /// restricted rows. <paramref name="layouts"/> keeps the relations a layout allows from period to period (null: worked out here).
    /// </summary>
    public static void Apply(
        List<KpiResult> rows, IReadOnlyList<KpiResult> sources, IReadOnlyDictionary<string, string>? nationOfArea, DisclosureLayouts? layouts = null)
    {
        var small = new List<int>();
        for (var row = 0; row < rows.Count; row++)
        {
            for (var column = 0; column < 2; column++)
            {
                if (IsSmall(Count(sources[row], column)))
                {
                    small.Add(Variable(row, column));
                }
            }
        }

        if (small.Count == 0)
        {
            return;
        }

        var model = Relations(layouts?.PlanFor(rows, nationOfArea) ?? Plan.Of(rows, nationOfArea), rows, sources);
        var givenUp = new HashSet<int>();
        var bounds = new Propagation(model);
        var (low, high) = (bounds.Low, bounds.High);
        while (true)
        {
            WorkOutBounds();
            // Every count pinned now gets a complement in one go (one per group it is in), then all is worked out again:
            // a round per complement cost seconds a run.
            var touchedGroups = new HashSet<int>();
            var withheldNow = false;
            var boundsStale = false;
            foreach (var pinned in small)
            {
                if (low[pinned] != high[pinned] || givenUp.Contains(pinned))
                {
                    continue;
                }

                // The groups of the count and of every count it is shared with (another KPI's count of the same people).
                var itsGroups = new List<int>();
                foreach (var twin in TwinsOf(pinned, model.Twins))
                {
                    itsGroups.AddRange(model.GroupsOf[twin]);
                }

                if (itsGroups.Exists(touchedGroups.Contains))
                {
                    continue;
                }

                // A complement chosen earlier in this round may have opened it already (through a pair, or further off): the
                // bounds are worked out again over every relation once after each complement, not once for each count after it
                // (that cost 1.3 CPU-s a fifth-size run).
                if (boundsStale)
                {
                    WorkOutBounds();
                    boundsStale = false;
                    if (low[pinned] != high[pinned])
                    {
                        continue;
                    }
                }

                var chosen = Complement(pinned, model, rows, sources);
                if (chosen is null)
                {
                    givenUp.Add(pinned);
                    continue;
                }

                withheldNow = true;
                boundsStale = true;
                touchedGroups.UnionWith(itsGroups);
                foreach (var row in chosen)
                {
                    Withhold(rows, row);
                    foreach (var g in model.GroupsOf[Variable(row, 0)])
                    {
                        touchedGroups.Add(g);
                    }

                    foreach (var g in model.GroupsOf[Variable(row, 1)])
                    {
                        touchedGroups.Add(g);
                    }
                }
            }

            if (!withheldNow)
            {
                return;
            }
        }

        // What the public rows as they are now give each count, then tightened through every relation.
        void WorkOutBounds()
        {
            Bound(rows, sources, model);
            bounds.Restart();
            bounds.Run();
        }
    }

    /// <summary>Blanks every non-zero count of <paramref name="row"/>, so that none bounds another, with its value and rating.</summary>
    private static void Withhold(List<KpiResult> rows, int row)
    {
        var result = rows[row];
        rows[row] = result with
        {
            Numerator = result.Numerator is 0 ? 0 : null,
            Denominator = result.Denominator is 0 ? 0 : null,
            Value = null,
            Rag = KpiVocabulary.RagNone,
            Suppressed = true,
        };
    }

    /// <summary>
    /// The rows withholding <paramref name="row"/> withholds: itself, every row publishing one of its non-zero counts as
    /// another KPI's count or as another unit's (a twin), and theirs in turn; rows with no non-zero count left are not listed.
    /// </summary>
    private static HashSet<int> WithheldWith(int row, List<KpiResult> rows, Dictionary<int, int[]> twins)
    {
        var withheld = new HashSet<int>();
        var pending = new Stack<int>();
        pending.Push(row);
        while (pending.TryPop(out var next))
        {
            if (rows[next] is { Numerator: null or 0, Denominator: null or 0 } || !withheld.Add(next))
            {
                continue;
            }

            for (var column = 0; column < 2; column++)
            {
                if (Count(rows[next], column) is > 0)
                {
                    foreach (var twin in TwinsOf(Variable(next, column), twins))
                    {
                        pending.Push(twin / 2);
                    }
                }
            }
        }

        return withheld;
    }

    /// <summary>The count itself and every count it is shared with.</summary>
    private static int[] TwinsOf(int variable, Dictionary<int, int[]> twins) => twins.GetValueOrDefault(variable) ?? [variable];

    private static bool IsSmall(long? count) => count is > 0 and < Disclosure.SmallestShown;

    private static int Variable(int row, int column) => (row * 2) + column;

    private static long? Count(KpiResult row, int column) => column == 0 ? row.Numerator : row.Denominator;

    /// <summary>
    /// What an analyst knows of each count from the public rows as they are now, alone (<see cref="Initial"/>), into the
    /// model's initial bounds, from which every propagation until the next withholding starts.
    /// </summary>
    private static void Bound(List<KpiResult> rows, IReadOnlyList<KpiResult> sources, Model model)
    {
        var changed = new List<int>();
        for (var v = 0; v < model.InitialLow.Length; v++)
        {
            var (low, high) = Initial(v, rows, sources);
            if (low != model.InitialLow[v] || high != model.InitialHigh[v])
            {
                (model.InitialLow[v], model.InitialHigh[v]) = (low, high);
                changed.Add(v);
            }
        }

        model.InitialBoundsChanged(changed);
    }

    /// <summary>
    /// The rows to withhold for count <paramref name="pinned"/>, pinned now (each candidate with what it takes along,
    /// <see cref="WithheldWith"/>); null when no published count is within <see cref="FurthestComplement"/> steps through the
    /// groups and pairs (its own row's other count is one step off: a count pinned at 7 by its cells is unpinned by blanking
    /// the denominator that says it is at most 7). Candidates are ranked cheapest first: those that take no dimension-'all'
    /// row along, then nearest, then those of a group that pins the count by itself, then by cost (<see cref="CostOf"/>
    /// summed over what each takes along, so a cell whose count other KPIs republish costs more), then smallest. The first of
    /// <see cref="MaxTrials"/> that opens the count on its own is chosen (worked out over every relation, <see cref="Opens"/>);
    /// else the shortest run of them by cost that opens it together, less those it does not need (put back in halving
    /// blocks, dearest first); else the nearest,
    /// cheapest (the next round takes another). A review on 2026-12-06 found the order before this one (nearest, cells
    /// before totals, smallest count, whatever the row took along) withholding VOL01's headline and the four rows dividing by
    /// it to hide an EXT03 of 1–7, where breakdown cells would do.
    /// </summary>
    private static HashSet<int>? Complement(int pinned, Model model, List<KpiResult> rows, IReadOnlyList<KpiResult> sources)
    {
        // The neighbourhood, grown a step at a time: every count within reach. Tried first: the counts of a group that pins
        // the count by itself, from what the rows alone say.
        var reached = new HashSet<int>(TwinsOf(pinned, model.Twins));
        var binding = new HashSet<int>();
        foreach (var twin in reached)
        {
            foreach (var g in model.GroupsOf[twin])
            {
                if (model.Groups[g] is not { Exact: true, Members: var members })
                {
                    continue;
                }

                var alone = Propagation.Alone(members.Select(v => Initial(v, rows, sources)).ToArray());
                var at = Array.IndexOf(members, twin);
                if (alone.Low[at] == alone.High[at])
                {
                    binding.UnionWith(members);
                }
            }
        }

        // Every published row up to FurthestComplement steps off, once, at its nearest step, with what withholding it takes
        // along (WithheldWith) and what that costs: HeadlineCost a dimension-'all' row, 1 a breakdown cell.
        var candidates = new List<Candidate>();
        var listed = new HashSet<int>();
        var frontier = reached.ToList();
        for (var step = 1; step <= FurthestComplement && frontier.Count > 0; step++)
        {
            frontier = model.Reach(frontier, reached);
            foreach (var v in frontier
                .Where(v => Count(rows[v / 2], v % 2) is > 0 && !IsSmall(Count(sources[v / 2], v % 2)))
                .OrderBy(v => !binding.Contains(v))
                .ThenBy(v => v))
            {
                if (!listed.Add(v / 2))
                {
                    continue;
                }

                var along = WithheldWith(v / 2, rows, model.Twins);
                candidates.Add(new Candidate(
                    along, step, binding.Contains(v), along.Any(r => rows[r].Dimension == KpiVocabulary.DimensionAll), along.Sum(r => CostOf(rows[r])), Count(rows[v / 2], v % 2) ?? 0, v));
            }
        }

        if (candidates.Count == 0)
        {
            return null;
        }

        // Cheapest first: rows that take no dimension-'all' row along, nearest, in a group that pins the count, least taken
        // along, smallest. The first that opens the count on its own is chosen.
        var cheapest = candidates.OrderBy(c => c.Headline).ThenBy(c => c.Step).ThenBy(c => !c.Binding).ThenBy(c => c.Cost)
            .ThenBy(c => c.Count).ThenBy(c => c.Variable).ToList();
        foreach (var candidate in cheapest.Take(MaxTrials))
        {
            if (Opens(pinned, candidate.Along, model, rows))
            {
                return candidate.Along;
            }
        }

        // None does alone (the count is pinned along several paths): the shortest run of them, cheapest first, that opens it
        // when withheld together (runs doubling in length), then every one it does not need put back, dearest first.
        var byCost = cheapest.OrderBy(c => c.Cost).ThenBy(c => c.Step).ThenBy(c => c.Count).ThenBy(c => c.Variable).ToList();
        var together = new HashSet<int>();
        var taken = 0;
        for (var length = 2; taken < byCost.Count; length *= 2)
        {
            for (; taken < Math.Min(length, byCost.Count); taken++)
            {
                together.UnionWith(byCost[taken].Along);
            }

            if (!Opens(pinned, together, model, rows))
            {
                continue;
            }

            // Put back in blocks, dearest first, halving the block each pass (one at a time cost ~80 trials a count, 5
            // CPU-s a fifth-size run).
            var kept = byCost.Take(taken).OrderByDescending(c => c.Cost).ThenByDescending(c => c.Count).ToList();
            for (var block = (kept.Count + 1) / 2; block >= 1; block = block == 1 ? 0 : (block + 1) / 2)
            {
                for (var at = 0; at < kept.Count && kept.Count > 1;)
                {
                    var width = Math.Min(block, kept.Count - at);
                    var without = kept.Take(at).Concat(kept.Skip(at + width)).SelectMany(c => c.Along).ToHashSet();
                    if (width < kept.Count && Opens(pinned, without, model, rows))
                    {
                        kept.RemoveRange(at, width);
                    }
                    else
                    {
                        at += block;
                    }
                }
            }

            return kept.SelectMany(c => c.Along).ToHashSet();
        }

        // Else the nearest, cheapest (the next round takes another).
        return candidates.OrderBy(c => c.Step).ThenBy(c => !c.Binding).ThenBy(c => c.Cost).ThenBy(c => c.Count).ThenBy(c => c.Variable).First().Along;
    }

    /// <summary>
    /// What withholding a row costs readers: a breakdown cell 1, a dimension-'all' row <see cref="HeadlineCost"/>; either
    /// <see cref="WideCost"/> times as much for a nation or ALL.
    /// </summary>
    private static int CostOf(KpiResult row) =>
        (row.Dimension == KpiVocabulary.DimensionAll ? HeadlineCost : 1) * (row.Level is KpiVocabulary.LevelArea ? 1 : WideCost);

    /// <summary>
    /// Whether withholding <paramref name="withheld"/> (rows, with what they take along) leaves <paramref name="pinned"/> open,
    /// worked out over every relation of the period from the public rows as they are now.
    /// </summary>
    private static bool Opens(int pinned, HashSet<int> withheld, Model model, List<KpiResult> rows)
    {
        // Thousands of trials a fifth-size run, each over a period's every count: each starts from the bounds the rows give
        // now (the model's initial bounds, which Apply works out again after every withholding before it looks for another
        // complement), with the withheld rows' counts opened, in arrays kept from trial to trial.
        var trial = model.Trial;
        trial.Restart();
        foreach (var row in withheld)
        {
            for (var column = 0; column < 2; column++)
            {
                trial.Open(Variable(row, column), Count(rows[row], column) is 0 ? (0, 0) : (1, Unbounded));
            }
        }

        // A count once pinned stays pinned (bounds only narrow): the trial stops there.
        return trial.Run(watched: pinned);
    }

    private sealed record Candidate(HashSet<int> Along, int Step, bool Binding, bool Headline, int Cost, long Count, int Variable);

    /// <summary>
    /// A count's bounds from its own row alone: any value where the row has no such count; 0 for 0; its published value ± 2;
    /// and for a blank, 1–7 where the row publishes a non-zero count beside it (a withheld row never does, so that blank was
    /// blanked for being 1–7), else 1 or more (1–7 or withheld: the public row does not say which).
    /// </summary>
    private static (long Low, long High) Initial(int v, List<KpiResult> rows, IReadOnlyList<KpiResult> sources)
    {
        if (Count(sources[v / 2], v % 2) is null or < 0)
        {
            return (-Unbounded, Unbounded);
        }

        if (Count(rows[v / 2], v % 2) is { } published)
        {
            return published == 0 ? (0, 0) : (published - 2, published + 2);
        }

        return Count(rows[v / 2], 1 - (v % 2)) is > 0 ? (1, Disclosure.SmallestShown - 1) : (1, Unbounded);
    }

    /// <summary>
    /// Every relation between the counts an analyst can use (variables: row × 2 + 0 for the numerator, 1 for the
    /// denominator): the additive groups, each its total first (a count shared by two KPIs is a group of two, one equal to
    /// the other); the pairs where one count is at most another; and each shared count's twins (itself included). Which
    /// counts could be related is the period's layout (<see cref="Plan"/>); which of those relations hold, its counts.
    /// </summary>
    private static Model Relations(Plan plan, List<KpiResult> rows, IReadOnlyList<KpiResult> sources)
    {
        var groups = new List<Group>();
        var atMost = new List<(int Smaller, int Larger)>();
        var even = new List<int>();
        foreach (var step in plan.Steps)
        {
            switch (step.Kind)
            {
                case PlanStepKind.Group:
                    AddGroup(step.Variables);
                    break;
                case PlanStepKind.AtMost:
                    AddAtMost(step.Variables[0], step.Variables[1]);
                    break;
                case PlanStepKind.Shared:
                    // One count two or more KPIs publish: each that has it is a group of two with the first that has it.
                    var first = -1;
                    foreach (var variable in step.Variables)
                    {
                        if (Count(sources[variable / 2], variable % 2) is >= 0)
                        {
                            if (first < 0)
                            {
                                first = variable;
                            }
                            else
                            {
                                AddGroup([first, variable]);
                            }
                        }
                    }

                    break;
            }
        }

        foreach (var row in plan.MedianRows)
        {
            if (rows[row].Value is { } median && median % 1 != 0)
            {
                even.Add(Variable(row, 1));
            }
        }

        return new Model(rows.Count * 2, groups, atMost, Twins(groups), even);

        void AddGroup(int[] variables)
        {
            // A group counts only when every member has the count and the counts add up (distinct people need not add up
            // over areas: a person at two counts once in the nation). An equation that does not hold could narrow a count
            // past its true value, and a true equation that then disagrees would be set aside, so it is left out.
            long sum = 0;
            for (var m = 1; m < variables.Length; m++)
            {
                if (Count(sources[variables[m] / 2], variables[m] % 2) is not { } count || count < 0)
                {
                    return;
                }

                sum += count;
            }

            var total = Count(sources[variables[0] / 2], variables[0] % 2);
            if (total == sum)
            {
                groups.Add(new Group(variables, Exact: true));
            }
            else if (total < sum && variables.Skip(1).All(v => Count(sources[v / 2], v % 2) <= total))
            {
                // What an analyst still knows: no cell is more than the total, and the total is at most their sum.
                groups.Add(new Group(variables, Exact: false));
                foreach (var cell in variables.Skip(1))
                {
                    AddAtMost(cell, variables[0]);
                }
            }
        }

        void AddAtMost(int smaller, int larger)
        {
            if (Count(sources[smaller / 2], smaller % 2) is { } s && Count(sources[larger / 2], larger % 2) is { } l && s >= 0 && s <= l)
            {
                atMost.Add((smaller, larger));
            }
        }
    }

    /// <summary>
    /// The counts that are one count published twice or more (groups of two: a count two KPIs share, a nation of one area),
    /// each with all of its twins, itself included: withholding one withholds them all.
    /// </summary>
    private static Dictionary<int, int[]> Twins(List<Group> groups)
    {
        var parent = new Dictionary<int, int>();
        int Root(int v)
        {
            while (parent.TryGetValue(v, out var up) && up != v)
            {
                v = up;
            }

            return v;
        }

        foreach (var group in groups)
        {
            if (group is { Exact: true, Members: [var first, var second] } && Root(first) is var a && Root(second) is var b && a != b)
            {
                parent[a] = b;
            }
        }

        var twins = new Dictionary<int, int[]>();
        foreach (var members in parent.Keys.Concat(parent.Values).Distinct().GroupBy(Root))
        {
            var all = members.ToArray();
            foreach (var member in all)
            {
                twins[member] = all;
            }
        }

        return twins;
    }

    /// <summary>Counts tied by an equation (the total first, then the cells it adds up), or with the total at most the cells' sum.</summary>
    private readonly record struct Group(int[] Members, bool Exact);

    /// <summary>
    /// The relations of one period's counts: additive groups (total first), pairs (the first at most the second), and each
    /// count's twins; with, for each count, the groups and pairs holding it.
    /// </summary>
    private sealed class Model
    {
        private Propagation? trial;

        public Model(int variables, List<Group> groups, List<(int Smaller, int Larger)> atMost, Dictionary<int, int[]> twins, List<int> even)
        {
            (Groups, AtMost, Twins, Even) = (groups, atMost, twins, even);
            (InitialLow, InitialHigh) = (new long[variables], new long[variables]);
            (GroupsNarrowingAtStart, PairsNarrowingAtStart) = (new RelationSet(groups.Count), new RelationSet(atMost.Count));
            GroupsOf = new Incidence(variables, groups.Count, g => groups[g].Members);
            var pairEnds = new int[2 * atMost.Count];
            for (var p = 0; p < atMost.Count; p++)
            {
                (pairEnds[2 * p], pairEnds[(2 * p) + 1]) = atMost[p];
            }

            PairsOf = new Incidence(variables, atMost.Count, p => pairEnds.AsSpan(2 * p, 2));
        }

        /// <summary>Each count's bounds from the public rows as they are now (<see cref="Bound"/>), before any relation is applied.</summary>
        public long[] InitialLow { get; }

        /// <inheritdoc cref="InitialLow"/>
        public long[] InitialHigh { get; }

        /// <summary>Changes whenever the initial bounds do.</summary>
        public int InitialVersion { get; private set; }

        /// <summary>The groups that narrow a count applied alone to the initial bounds; the others narrow nothing there.</summary>
        public RelationSet GroupsNarrowingAtStart { get; }

        /// <inheritdoc cref="GroupsNarrowingAtStart"/>
        public RelationSet PairsNarrowingAtStart { get; }

        /// <summary>The bounds of the trials (<see cref="Opens"/>), made once.</summary>
        public Propagation Trial => trial ??= new Propagation(this);

        /// <summary>
        /// Called once the initial bounds are worked out again, <paramref name="changed"/> the counts whose bounds changed:
        /// finds the relations that narrow them (the first time every relation, then those holding a changed count; whether
        /// a relation narrows the initial bounds alone depends on its own counts' bounds only).
        /// </summary>
        public void InitialBoundsChanged(List<int> changed)
        {
            InitialVersion++;
            Trial.FindRelationsNarrowingAtStart(GroupsNarrowingAtStart, PairsNarrowingAtStart, InitialVersion == 1 ? null : changed);
        }

        public List<Group> Groups { get; }

        /// <summary>Counts known to be even (the n of a median ending in .5).</summary>
        public List<int> Even { get; }

        public List<(int Smaller, int Larger)> AtMost { get; }

        public Dictionary<int, int[]> Twins { get; }

        /// <summary>The groups holding each count, in order.</summary>
        public Incidence GroupsOf { get; }

        /// <summary>The pairs holding each count, in order.</summary>
        public Incidence PairsOf { get; }

        /// <summary>
        /// The counts one step beyond <paramref name="frontier"/> (sharing a group or a pair with one of them) not yet in
        /// <paramref name="reached"/>, which they are added to.
        /// </summary>
        public List<int> Reach(List<int> frontier, HashSet<int> reached)
        {
            var next = new List<int>();
            foreach (var v in frontier)
            {
                foreach (var g in GroupsOf[v])
                {
                    foreach (var member in Groups[g].Members)
                    {
                        if (reached.Add(member))
                        {
                            next.Add(member);
                        }
                    }
                }

                foreach (var p in PairsOf[v])
                {
                    var other = AtMost[p].Smaller == v ? AtMost[p].Larger : AtMost[p].Smaller;
                    if (reached.Add(other))
                    {
                        next.Add(other);
                    }
                }
            }

            return next;
        }
    }

    /// <summary>For each count, the relations (groups or pairs) holding it, in the relations' order, in two flat arrays.</summary>
    private sealed class Incidence
    {
        /// <summary>The counts of relation <paramref name="relation"/>.</summary>
        public delegate ReadOnlySpan<int> CountsOf(int relation);

        private readonly int[] start;
        private readonly int[] relations;

        /// <summary>From <paramref name="relationCount"/> relations, each with its counts (<paramref name="countsOf"/>).</summary>
        public Incidence(int counts, int relationCount, CountsOf countsOf)
        {
            start = new int[counts + 1];
            for (var r = 0; r < relationCount; r++)
            {
                foreach (var v in countsOf(r))
                {
                    start[v + 1]++;
                }
            }

            for (var v = 0; v < counts; v++)
            {
                start[v + 1] += start[v];
            }

            relations = new int[start[counts]];
            var next = start[..^1];
            for (var r = 0; r < relationCount; r++)
            {
                foreach (var v in countsOf(r))
                {
                    relations[next[v]++] = r;
                }
            }
        }

        public ReadOnlySpan<int> this[int v] => relations.AsSpan(start[v], start[v + 1] - start[v]);
    }
}
