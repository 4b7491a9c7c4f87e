using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Synthetic.Model;

/// <summary>What a provider records to identify a person: initials, date of birth and sex (dataset.md 2.2).</summary>
public readonly record struct PersonIdentity(char FirstInitial, char LastInitial, DateOnly DateOfBirth, Sex Sex);

/// <summary>
/// People are numbered: <c>provider index × 2^40 + month of first referral × 2^20 + number within that month</c>.
/// A person's identity is a pure function of that number and the seed, so any provider can re-use a person
/// first seen at another provider (a move or transfer) without sharing state, and the person is old enough
/// (18–75) in the month the number was first issued.
/// </summary>
public static class People
{
    private static readonly WeightedChoice<char> FirstInitials = new(
        ('J', 11), ('M', 9), ('S', 9), ('D', 8), ('A', 8), ('C', 7), ('K', 5), ('L', 5), ('R', 5), ('P', 5),
        ('T', 4), ('G', 3), ('N', 3), ('B', 3), ('E', 3), ('H', 2), ('W', 1), ('I', 1), ('V', 1), ('F', 1),
        ('Z', 0.5), ('O', 0.5), ('Y', 0.3), ('U', 0.2), ('Q', 0.1), ('X', 0.1));

    private static readonly WeightedChoice<char> LastInitials = new(
        ('S', 10), ('B', 9), ('H', 8), ('M', 8), ('W', 7), ('C', 7), ('P', 5), ('T', 5), ('R', 5), ('G', 4),
        ('D', 4), ('L', 4), ('F', 3), ('J', 3), ('K', 2), ('A', 2), ('N', 2), ('E', 2), ('O', 1), ('Y', 0.5),
        ('I', 0.3), ('V', 0.3), ('U', 0.2), ('Q', 0.1), ('Z', 0.1), ('X', 0.05));

    public const int MinAgeAtFirstReferral = 18;
    public const int MaxAgeAtFirstReferral = 75;

    public static long PersonId(int providerIndex, int issueMonth, int numberInMonth) =>
        ((long)providerIndex << 40) | ((long)issueMonth << 20) | (uint)numberInMonth;

    public static int IssueMonthOf(long personId) => (int)((personId >> 20) & 0xFFFFF);

    /// <summary>The identity of a person; <paramref name="simulationStart"/> is the first day of issue month 0.</summary>
    public static PersonIdentity Identify(ulong rootSeed, long personId, DateOnly simulationStart)
    {
        var random = new SeededRandom(SeededRandom.Derive(rootSeed, 2, personId));
        var first = random.Pick(FirstInitials);
        var last = random.Pick(LastInitials);
        var sexDraw = random.NextDouble();
        var sex = sexDraw < Calibration.NotStatedShare ? Sex.X
            : sexDraw < Calibration.NotStatedShare + Calibration.MaleShare ? Sex.M
            : Sex.F;

        // Age when first referred: 18–75, median about 41 (skewed younger than a triangle).
        var shape = Math.Pow((random.NextDouble() + random.NextDouble()) / 2.0, 1.3);
        var ageDays = (int)((MinAgeAtFirstReferral + shape * (MaxAgeAtFirstReferral - MinAgeAtFirstReferral - 1)) * 365.25);
        var issued = simulationStart.AddMonths(IssueMonthOf(personId));

        // Minus up to 27 more days keeps the person at least 18 on every day of the issue month.
        var dateOfBirth = issued.AddDays(-ageDays - random.Next(28) - 31);
        return new PersonIdentity(first, last, dateOfBirth, sex);
    }

    /// <summary>Age in whole years on a date.</summary>
    public static int AgeOn(DateOnly dateOfBirth, DateOnly date)
    {
        var age = date.Year - dateOfBirth.Year;
        if (date.Month < dateOfBirth.Month || (date.Month == dateOfBirth.Month && date.Day < dateOfBirth.Day))
        {
            age--;
        }

        return age;
    }
}
