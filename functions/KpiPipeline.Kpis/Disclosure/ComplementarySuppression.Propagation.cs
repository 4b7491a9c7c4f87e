namespace KpiPipeline.Kpis.Disclosure;

internal static partial class ComplementarySuppression
{
    /// <summary>
    /// The bounds of one period's counts, tightened through every relation until none narrows (bounds propagation, as an
    /// analyst would combine them): a round applies every group (total = sum of cells) in order, then the even counts, then
    /// every pair (the first at most the second), for at most <see cref="MaxRounds"/> rounds. A group or pair none of whose
    /// counts narrowed since it was last applied is not applied again, as it would narrow nothing: the rounds and the bounds
    /// are those of applying every relation every round, for a fraction of the work (most relations settle in the first
    /// round, and thousands of trials a fifth-size run each propagated over a whole period).
    /// </summary>
    private sealed class Propagation
    {
        private readonly Model? model;
        private readonly bool[] groupPending;
        private readonly bool[] pairPending;

        public Propagation(Model model)
        {
            this.model = model;
            (Low, High) = (new long[model.InitialLow.Length], new long[model.InitialLow.Length]);
            (groupPending, pairPending) = (new bool[model.Groups.Count], new bool[model.AtMost.Count]);
        }

        private Propagation((long Low, long High)[] bounds)
        {
            (Low, High) = (bounds.Select(b => b.Low).ToArray(), bounds.Select(b => b.High).ToArray());
            (groupPending, pairPending) = ([], []);
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

        /// <summary>Starts again from the model's initial bounds (<see cref="Bound"/>).</summary>
        public void Restart(Model from)
        {
            Array.Copy(from.InitialLow, Low, Low.Length);
            Array.Copy(from.InitialHigh, High, High.Length);
        }

        /// <summary>
        /// Applies every relation until none narrows. With <paramref name="watched"/>, stops as soon as that count is pinned
        /// (bounds only narrow, so it would end pinned) and returns false; else true.
        /// </summary>
        public bool Run(int watched = -1)
        {
            var (groups, pairs, even) = (model!.Groups, model.AtMost, model.Even);
            Array.Fill(groupPending, true);
            Array.Fill(pairPending, true);
            for (var round = 0; round < MaxRounds; round++)
            {
                if (watched >= 0 && Low[watched] == High[watched])
                {
                    return false;
                }

                var changed = false;
                for (var g = 0; g < groups.Count; g++)
                {
                    if (groupPending[g])
                    {
                        groupPending[g] = false;
                        changed |= groups[g].Exact ? Tighten(groups[g].Members) : TightenAtMostSum(groups[g].Members);
                    }
                }

                foreach (var v in even)
                {
                    // An ACC02 median ending in .5 is the mean of two middle values: its n is even.
                    changed |= Narrow(v, Low[v] + (Low[v] & 1), High[v] - (High[v] & 1));
                }

                for (var p = 0; p < pairs.Count; p++)
                {
                    if (pairPending[p])
                    {
                        pairPending[p] = false;
                        var (smaller, larger) = pairs[p];
                        changed |= Narrow(smaller, Low[smaller], High[larger]);
                        changed |= Narrow(larger, Low[smaller], High[larger]);
                    }
                }

                if (!changed)
                {
                    break;
                }
            }

            return watched < 0 || Low[watched] != High[watched];
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
                changed |= Narrow(v, Low[total] - (highSum - High[v]), High[total] - (lowSum - Low[v]));
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
                changed |= Narrow(v, Low[total] - (highSum - High[v]), High[v]);
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

            (Low[v], High[v]) = (l, h);
            if (model is not null)
            {
                foreach (var g in model.GroupsOf[v] ?? [])
                {
                    groupPending[g] = true;
                }

                foreach (var p in model.PairsOf[v] ?? [])
                {
                    pairPending[p] = true;
                }
            }

            return true;
        }
    }
}
