using System.Collections.Concurrent;
using System.Text;
using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Pseudonymisation;

/// <summary>
/// The keyed hashes and derived values of dataset.md 2.2. Thread-safe. With <paramref name="cacheKeys"/> each distinct
/// attributor and registrant token is hashed once and its key string shared by every row (a batch run over years of
/// returns, where the same people appear every month); without it nothing is kept between calls.
/// </summary>
public sealed class Pseudonymiser(PseudonymisationSecrets secrets, bool cacheKeys = false)
{
    private readonly KeyedHash clientKeyHash = new((secrets ?? throw new ArgumentNullException(nameof(secrets))).ClientKeySecret);
    private readonly KeyedHash registrantHash = new(secrets.NspTokenSecret);
    private readonly ConcurrentDictionary<long, string>? clientKeys = cacheKeys ? new() : null;
    private readonly ConcurrentDictionary<string, string>? registrantHashes = cacheKeys ? new(StringComparer.Ordinal) : null;

    public bool IsDevelopment { get; } = secrets.IsDevelopment;

    /// <summary>
    /// <c>lowercase hex HMAC-SHA256(secret, FIRST_INITIAL + LAST_INITIAL + yyyyMMdd(dob) + SEX)</c>, initials upper-cased.
    /// Initials must be single ASCII letters (validated before this is called).
    /// </summary>
    public string ClientKey(char firstInitial, char lastInitial, DateOnly dateOfBirth, Sex sex)
    {
        if (!char.IsAsciiLetter(firstInitial) || !char.IsAsciiLetter(lastInitial))
        {
            throw new ArgumentException("Initials must be single letters A-Z.");
        }

        if (clientKeys is null)
        {
            return ComputeClientKey(firstInitial, lastInitial, dateOfBirth, sex);
        }

        var attributor = ((long)char.ToUpperInvariant(firstInitial) << 48) | ((long)char.ToUpperInvariant(lastInitial) << 40)
                         | ((long)dateOfBirth.DayNumber << 8) | (long)sex;
        return clientKeys.TryGetValue(attributor, out var cached)
            ? cached
            : clientKeys.GetOrAdd(attributor, ComputeClientKey(firstInitial, lastInitial, dateOfBirth, sex));
    }

    /// <summary>The NSP registrant token as a keyed hash with the separate NSP key (lowercase hex HMAC-SHA256).</summary>
    public string RegistrantHash(ReadOnlySpan<char> token)
    {
        if (registrantHashes is null)
        {
            return ComputeRegistrantHash(token);
        }

        var lookup = registrantHashes.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.TryGetValue(token, out var cached)
            ? cached
            : registrantHashes.GetOrAdd(token.ToString(), ComputeRegistrantHash(token));
    }

    private string ComputeClientKey(char firstInitial, char lastInitial, DateOnly dateOfBirth, Sex sex)
    {
        Span<byte> message = stackalloc byte[16];
        message[0] = (byte)char.ToUpperInvariant(firstInitial);
        message[1] = (byte)char.ToUpperInvariant(lastInitial);
        dateOfBirth.TryFormat(message[2..], out var written, "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var length = 2 + written;
        message[length++] = sex switch
        {
            Sex.M => (byte)'M',
            Sex.F => (byte)'F',
            _ => (byte)'X',
        };
        return clientKeyHash.HexOf(message[..length]);
    }

    private string ComputeRegistrantHash(ReadOnlySpan<char> token)
    {
        var max = Encoding.UTF8.GetMaxByteCount(token.Length);
        var bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(token, bytes);
        return registrantHash.HexOf(bytes[..length]);
    }

    /// <summary>Whole years from <paramref name="dateOfBirth"/> to <paramref name="on"/> (a 29 February birthday counts from 1 March).</summary>
    public static int AgeInWholeYears(DateOnly dateOfBirth, DateOnly on)
    {
        var age = on.Year - dateOfBirth.Year;
        if (on.Month < dateOfBirth.Month || (on.Month == dateOfBirth.Month && on.Day < dateOfBirth.Day))
        {
            age--;
        }

        return age;
    }
}
