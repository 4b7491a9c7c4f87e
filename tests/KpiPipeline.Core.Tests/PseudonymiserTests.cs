using System.Security.Cryptography;
using System.Text;
using FsCheck.Fluent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;

namespace KpiPipeline.Core.Tests;

public class PseudonymiserTests
{
    private static readonly Pseudonymiser Pseudonymiser = new(TestData.Secrets);

    [Fact]
    public void Client_key_is_the_lowercase_hex_hmac_of_initials_dob_and_sex()
    {
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("test-client-key-secret"), Encoding.UTF8.GetBytes("JS19800517M")));

        Assert.Equal(expected, Pseudonymiser.ClientKey('j', 's', new DateOnly(1980, 5, 17), Sex.M));
    }

    [Fact]
    public void Client_key_is_deterministic_and_independent_of_initial_case()
    {
        var gen =
            from first in Gen.Choose(0, 25)
            from last in Gen.Choose(0, 25)
            from day in Gen.Choose(0, 40000)
            from sex in Gen.Elements(Sex.M, Sex.F, Sex.X)
            select ((char)('A' + first), (char)('A' + last), DateOnly.FromDayNumber(700000 + day), sex);

        TestData.CheckProperty(gen, p =>
        {
            var (first, last, dob, sex) = p;
            var upper = Pseudonymiser.ClientKey(first, last, dob, sex);
            return upper == Pseudonymiser.ClientKey(char.ToLowerInvariant(first), char.ToLowerInvariant(last), dob, sex)
                && upper == new Pseudonymiser(TestData.Secrets).ClientKey(first, last, dob, sex)
                && upper.Length == 64 && upper.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
        });
    }

    [Fact]
    public void Client_key_changes_with_the_secret()
    {
        var other = new Pseudonymiser(new PseudonymisationSecrets("another-secret", "nsp"));

        Assert.NotEqual(Pseudonymiser.ClientKey('A', 'B', new DateOnly(1990, 1, 1), Sex.F), other.ClientKey('A', 'B', new DateOnly(1990, 1, 1), Sex.F));
    }

    [Fact]
    public void Registrant_hash_uses_the_separate_nsp_secret()
    {
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("test-nsp-token-secret"), Encoding.UTF8.GetBytes("tok123")));

        Assert.Equal(expected, Pseudonymiser.RegistrantHash("tok123"));
    }

    [Theory]
    [InlineData(null, "nsp")]
    [InlineData("", "nsp")]
    [InlineData("client", "  ")]
    [InlineData("same", "same")]
    public void Refuses_missing_empty_or_shared_secrets_with_a_clear_error(string? client, string? nsp)
    {
        var error = Assert.Throws<PseudonymisationSecretException>(() => new PseudonymisationSecrets(client, nsp));

        Assert.Contains("secret", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("same", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Development_secrets_say_they_are_for_development()
    {
        Assert.True(new Pseudonymiser(PseudonymisationSecrets.Development).IsDevelopment);
        Assert.False(Pseudonymiser.IsDevelopment);
        Assert.DoesNotContain("test-client", TestData.Secrets.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2000-02-29", "2018-02-28", 17)]
    [InlineData("2000-02-29", "2018-03-01", 18)]
    [InlineData("1980-05-17", "2024-05-16", 43)]
    [InlineData("1980-05-17", "2024-05-17", 44)]
    public void Age_at_referral_is_whole_years(string dob, string on, int age)
    {
        Assert.Equal(age, Pseudonymiser.AgeInWholeYears(DateOnly.Parse(dob, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(on, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
