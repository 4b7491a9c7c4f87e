namespace KpiPipeline.Kpis.Disclosure;

internal static partial class ComplementarySuppression
{
    /// <summary>
    /// The bounds of one period's counts, tightened through every relation until none narrows (bounds propagation, as an
    /// analyst would combine them): a round applies every group (total = sum of cells) in order, then the even counts, then
    /// every pair (the first at most the second), for at most <see cref="MaxRounds"/> rounds. A relation is applied only when
    /// it can narrow something: at the start, one that narrows the initial bounds applied alone (worked out once after each
    /// withholding) or that holds a count the trial opened; later, one holding a count that narrowed since it was last
    /// applied. Any other would narrow nothing, so the rounds and the bounds are exactly those of applying every relation
    /// every round, for a fraction of the work (thousands of trials a fifth-size run, each over a whole period). Bounds are
    /// put back between trials by undoing what the last one changed.
    /// </summary>
    private sealed class Propagation
    {
        private static readonly RelationSet NoRelations = new(0);

        private readonly Model? model;
        private readonly RelationSet groupPending;
        private readonly RelationSet pairPending;
        private readonly bool[] changed;
        private readonly List<int> changes = [];
        private readonly int[] groupFound;
        private readonly int[] pairFound;
        private int startVersion = -1;
        private int findStamp;

        public Propagation(Model model)
        {
            this.model = model;
            (Low, High) = (new long[model.InitialLow.Length], new long[model.InitialLow.Length]);
            (groupPending, pairPending) = (new RelationSet(model.Groups.Count), new RelationSet(model.AtMost.Count));
            changed = new bool[model.InitialLow.Length];
            (groupFound, pairFound) = (new int[model.Groups.Count], new int[model.AtMost.Count]);
        }

        private Propagation((long Low, long High)[] bounds)
        {
            (Low, High) = (bounds.Select(b => b.Low).ToArray(), bounds.Select(b => b.High).ToArray());
            // Without a model there are no relations to mark (MarkRelationsOf returns at once): both sets are the one empty set.
            (groupPending, pairPending, changed) = (NoRelations, NoRelations, new bool[bounds.Length]);
            (groupFound, pairFound) = ([], []);
        }

        public long[] Low { get; }

        public long[] High { get; }

        /// <summary>The bounds of one group's counts (total first) after its equation is applied once, from <paramref name="bounds"/>.</summary>
        public static Propagation Alone((long Low, long High)[] bounds)
        {
            var alone = new Propagation(bounds);
            alone.Tighten([.. Enumerable.Range(0, bounds.Length)]);
            return alone;
        }

        /// <summary>
        /// Starts again from the model's initial bounds (<see cref="Bound"/>), with the relations that narrow them to be applied.
        /// </summary>
        public void Restart()
        {
            ResetBounds();
            groupPending.CopyFrom(model!.GroupsNarrowingAtStart);
            pairPending.CopyFrom(model.PairsNarrowingAtStart);
        }

        /// <summary>Opens a count before <see cref="Run"/> (a withheld row's): the relations holding it are to be applied.</summary>
        public void Open(int v, (long Low, long High) bounds)
        {
            Record(v);
            (Low[v], High[v]) = bounds;
            MarkRelationsOf(v);
        }

        /// <summary>
        /// Marks in <paramref name="groups"/> and <paramref name="pairs"/> the relations that narrow a count when applied alone
        /// to the model's initial bounds: every relation, or only those holding one of <paramref name="changedCounts"/> (the
        /// others are marked as they were).
        /// </summary>
        public void FindRelationsNarrowingAtStart(RelationSet groups, RelationSet pairs, List<int>? changedCounts = null)
        {
            var (all, atMost) = (model!.Groups, model.AtMost);
            ResetBounds();
            if (changedCounts is null)
            {
                for (var g = 0; g < all.Count; g++)
                {
                    groups.Set(g, NarrowsAlone(g));
                }

                for (var p = 0; p < atMost.Count; p++)
                {
                    pairs.Set(p, PairNarrowsAlone(p));
                }

                return;
            }

            // Each relation once (marked with this pass's stamp).
            var stamp = ++findStamp;
            foreach (var v in changedCounts)
            {
                foreach (var g in model.GroupsOf[v])
                {
                    if (groupFound[g] != stamp)
                    {
                        groupFound[g] = stamp;
                        groups.Set(g, NarrowsAlone(g));
                    }
                }

                foreach (var p in model.PairsOf[v])
                {
                    if (pairFound[p] != stamp)
                    {
                        pairFound[p] = stamp;
                        pairs.Set(p, PairNarrowsAlone(p));
                    }
                }
            }

            bool NarrowsAlone(int g)
            {
                var narrows = all[g].Exact ? Tighten(all[g].Members) : TightenAtMostSum(all[g].Members);
                ResetBounds();
                return narrows;
            }

            bool PairNarrowsAlone(int p)
            {
                var narrows = ApplyPair(atMost[p]);
                ResetBounds();
                return narrows;
            }
        }

        /// <summary>
        /// Applies every relation until none narrows. With <paramref name="watched"/>, stops as soon as that count is pinned
        /// (bounds only narrow, so it would end pinned) and returns false; else true.
        /// </summary>
        public bool Run(int watched = -1)
        {
            var (groups, pairs, even) = (model!.Groups, model.AtMost, model.Even);
            for (var round = 0; round < MaxRounds; round++)
            {
                if (watched >= 0 && Low[watched] == High[watched])
                {
                    return false;
                }

                var narrowed = false;
                for (var g = groupPending.TakeFrom(0); g >= 0; g = groupPending.TakeFrom(g + 1))
                {
                    narrowed |= groups[g].Exact ? Tighten(groups[g].Members) : TightenAtMostSum(groups[g].Members);
                }

                foreach (var v in even)
                {
                    // An ACC02 median ending in .5 is the mean of two middle values: its n is even.
                    narrowed |= Narrow(v, Low[v] + (Low[v] & 1), High[v] - (High[v] & 1));
                }

                for (var p = pairPending.TakeFrom(0); p >= 0; p = pairPending.TakeFrom(p + 1))
                {
                    narrowed |= ApplyPair(pairs[p]);
                }

                if (!narrowed)
                {
                    break;
                }
            }

            return watched < 0 || Low[watched] != High[watched];
        }

        /// <summary>One pair (the first at most the second) applied to its bounds; true when either narrowed.</summary>
        private bool ApplyPair((int Smaller, int Larger) pair)
        {
            var (smaller, larger) = pair;
            var narrowed = High[larger] < High[smaller] && Narrow(smaller, Low[smaller], High[larger]);
            return (Low[smaller] > Low[larger] && Narrow(larger, Low[smaller], High[larger])) | narrowed;
        }

        /// <summary>One group's equation applied to its bounds; true when any narrowed. Bounds the data contradict are left as they were.</summary>
        private bool Tighten(int[] group)
        {
            long lowSum = 0, highSum = 0;
            for (var g = 1; g < group.Length; g++)
            {
                lowSum += Low[group[g]];
                highSum += High[group[g]];
            }

            var changed = false;
            var total = group[0];
            changed |= Narrow(total, lowSum, highSum);
            for (var g = 1; g < group.Length; g++)
            {
                var v = group[g];
                var (low, high) = (Low[total] - (highSum - High[v]), High[total] - (lowSum - Low[v]));
                if (low > Low[v] || high < High[v])
                {
                    // Most cells are not narrowed: only the others are looked at again.
                    changed |= Narrow(v, low, high);
                }
            }

            return changed;
        }

        /// <summary>A group whose total is at most the sum of its cells (distinct people over areas that do not add up exactly).</summary>
        private bool TightenAtMostSum(int[] group)
        {
            long highSum = 0;
            for (var g = 1; g < group.Length; g++)
            {
                highSum += High[group[g]];
            }

            var total = group[0];
            var changed = Narrow(total, Low[total], highSum);
            for (var g = 1; g < group.Length; g++)
            {
                var v = group[g];
                var low = Low[total] - (highSum - High[v]);
                if (low > Low[v])
                {
                    changed |= Narrow(v, low, High[v]);
                }
            }

            return changed;
        }

        /// <summary>Narrows a count's bounds (never past <see cref="Unbounded"/>); every relation holding it is to be applied again.</summary>
        private bool Narrow(int v, long newLow, long newHigh)
        {
            var l = Math.Max(Low[v], Math.Max(newLow, -Unbounded));
            var h = Math.Min(High[v], Math.Min(newHigh, Unbounded));
            if (l > h || (l == Low[v] && h == High[v]))
            {
                return false;
            }

            Record(v);
            (Low[v], High[v]) = (l, h);
            MarkRelationsOf(v);
            return true;
        }

        private void MarkRelationsOf(int v)
        {
            if (model is null)
            {
                return;
            }

            foreach (var g in model.GroupsOf[v])
            {
                groupPending.Add(g);
            }

            foreach (var p in model.PairsOf[v])
            {
                pairPending.Add(p);
            }
        }

        /// <summary>Notes that <paramref name="v"/>'s bounds are about to change, so that <see cref="ResetBounds"/> puts them back.</summary>
        private void Record(int v)
        {
            if (!changed[v])
            {
                changed[v] = true;
                changes.Add(v);
            }
        }

        /// <summary>Every count's bounds back to the model's initial ones: a copy when those changed, else the last changes undone.</summary>
        private void ResetBounds()
        {
            if (startVersion != model!.InitialVersion)
            {
                Array.Copy(model.InitialLow, Low, Low.Length);
                Array.Copy(model.InitialHigh, High, High.Length);
                startVersion = model.InitialVersion;
            }
            else
            {
                foreach (var v in changes)
                {
                    (Low[v], High[v]) = (model.InitialLow[v], model.InitialHigh[v]);
                }
            }

            foreach (var v in changes)
            {
                changed[v] = false;
            }

            changes.Clear();
        }
    }
}
