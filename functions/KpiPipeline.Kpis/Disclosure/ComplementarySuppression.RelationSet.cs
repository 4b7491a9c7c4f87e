using System.Numerics;

namespace KpiPipeline.Kpis.Disclosure;

internal static partial class ComplementarySuppression
{
    /// <summary>
    /// A set of relation indexes (groups or pairs) taken in ascending order: the relations a propagation round is still to
    /// apply. A round over a bool per relation visits every relation of the period to find the few pending; this skips 64
    /// at a time, and gives exactly the same indexes in the same order (one marked above the index being applied is taken
    /// in the same round, one at or below it in the next).
    /// </summary>
    private sealed class RelationSet(int count)
    {
        private readonly ulong[] words = new ulong[(count + 63) >> 6];

        public void Add(int index) => words[index >> 6] |= 1UL << index;

        /// <summary>Adds <paramref name="index"/> when <paramref name="member"/>, else removes it.</summary>
        public void Set(int index, bool member)
        {
            if (member)
            {
                Add(index);
            }
            else
            {
                words[index >> 6] &= ~(1UL << index);
            }
        }

        /// <summary>This set becomes a copy of <paramref name="other"/> (of the same count).</summary>
        public void CopyFrom(RelationSet other) => Array.Copy(other.words, words, words.Length);

        /// <summary>Removes and returns the smallest index at or above <paramref name="from"/>; -1 when there is none.</summary>
        public int TakeFrom(int from)
        {
            var w = from >> 6;
            if (w >= words.Length)
            {
                return -1;
            }

            var bits = words[w] & (~0UL << from);
            while (bits == 0)
            {
                if (++w == words.Length)
                {
                    return -1;
                }

                bits = words[w];
            }

            var bit = BitOperations.TrailingZeroCount(bits);
            words[w] &= ~(1UL << bit);
            return (w << 6) + bit;
        }
    }
}
