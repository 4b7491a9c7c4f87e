using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using static KpiPipeline.Core.Tests.Fixture;

namespace KpiPipeline.Core.Tests;

/// <summary>Pseudonymisation at ingest (dataset.md 2.2): client keys, registrant hashes, secrets and age, directly and through the validator's curated rows.</summary>
public class PseudonymisationTests
{
    private static readonly Pseudonymiser Pseudonymiser = new(Fixture.Secrets);

    [Fact]
    public void Client_key_is_the_lowercase_hex_hmac_of_initials_dob_and_sex()
    {
        Assert.Equal(Hmac(ClientSecret, "JS19800517M"), Pseudonymiser.ClientKey('j', 's', new DateOnly(1980, 5, 17), Sex.M));
    }

    [Theory]
    [InlineData("J", "S", "1980-05-17", "M")]
    [InlineData("a", "z", "1955-12-31", "f")]
    [InlineData("Q", "x", "2000-02-29", "X")]
    public async Task Client_key_is_lowercase_hex_HMAC_SHA256_of_initials_dob_and_sex(string first, string last, string dob, string sex)
    {
        var (report, sink) = await Episodes(EpisodeRow(("first_initial", first), ("last_initial", last), ("date_of_birth", dob), ("sex", sex)));

        AssertClean(report);
        Assert.Equal(ExpectedClientKey(first, last, DateOnly.Parse(dob, System.Globalization.CultureInfo.InvariantCulture), sex), sink.Episodes.Single().ClientKey);
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

        Fixture.CheckProperty(gen, p =>
        {
            var (first, last, dob, sex) = p;
            var upper = Pseudonymiser.ClientKey(first, last, dob, sex);
            return upper == Pseudonymiser.ClientKey(char.ToLowerInvariant(first), char.ToLowerInvariant(last), dob, sex)
                && upper == new Pseudonymiser(Fixture.Secrets).ClientKey(first, last, dob, sex)
                && upper.Length == 64 && upper.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
        });
    }

    [Fact]
    public async Task Initials_and_sex_of_either_case_give_the_same_client_key()
    {
        var (_, upper) = await Episodes(EpisodeRow(("first_initial", "J"), ("last_initial", "S"), ("sex", "F")));
        var (_, lower) = await Episodes(EpisodeRow(("first_initial", "j"), ("last_initial", "s"), ("sex", "f")));
        var (_, mixed) = await Episodes(EpisodeRow(("first_initial", "J"), ("last_initial", "s"), ("sex", "F")));

        Assert.Equal(upper.Episodes.Single().ClientKey, lower.Episodes.Single().ClientKey);
        Assert.Equal(upper.Episodes.Single().ClientKey, mixed.Episodes.Single().ClientKey);
    }

    [Fact]
    public async Task Each_part_of_the_attributor_changes_the_client_key()
    {
        var (_, sink) = await Episodes(
            EpisodeRow(("episode_id", "A")),
            EpisodeRow(("episode_id", "B"), ("first_initial", "K")),
            EpisodeRow(("episode_id", "C"), ("last_initial", "T")),
            EpisodeRow(("episode_id", "D"), ("date_of_birth", "1980-05-18")),
            EpisodeRow(("episode_id", "E"), ("sex", "F")));

        Assert.Equal(5, sink.Episodes.Select(e => e.ClientKey).Distinct().Count());
    }

    [Fact]
    public async Task The_same_person_gets_the_same_key_across_providers_and_episodes()
    {
        var (_, one) = await Episodes(EpisodeRow(("episode_id", "A")), EpisodeRow([("episode_id", "B"), ("referral_date", "2024-02-01"), .. NotStarted]));
        var (_, two) = await Upload("PROV2/2024-03/episodes.csv", Lines(EpisodesHeader, [EpisodeRow(("provider_code", "PROV2"))]));

        Assert.Single(one.Episodes.Concat(two.Episodes).Select(e => e.ClientKey).Distinct());
    }

    [Fact]
    public void Client_key_changes_with_the_secret()
    {
        var other = new Pseudonymiser(new PseudonymisationSecrets("another-secret", "nsp"));

        Assert.NotEqual(Pseudonymiser.ClientKey('A', 'B', new DateOnly(1990, 1, 1), Sex.F), other.ClientKey('A', 'B', new DateOnly(1990, 1, 1), Sex.F));
    }

    [Theory]
    [InlineData("tok123")]
    [InlineData("tøken-1")]
    public void Registrant_hash_is_the_lowercase_hex_hmac_of_the_token_with_the_separate_nsp_secret(string token)
    {
        Assert.Equal(Hmac(NspSecret, token), Pseudonymiser.RegistrantHash(token));
        Assert.NotEqual(Hmac(ClientSecret, token), Pseudonymiser.RegistrantHash(token));
    }

    [Fact]
    public void Keys_and_hashes_made_on_many_threads_at_once_are_each_the_hmac_of_their_own_input()
    {
        // One pseudonymiser serves every concurrent upload of a worker, and it reuses its keyed hash objects.
        var shared = new Pseudonymiser(Fixture.Secrets);
        var inputs = Enumerable.Range(0, 50_000)
            .Select(i => (First: (char)('A' + (i % 26)), Dob: DateOnly.FromDayNumber(700_000 + i), Token: $"PR{i % 97:D4}-{i}"))
            .ToArray();
        var clientKeys = new string[inputs.Length];
        var registrantHashes = new string[inputs.Length];

        // Four threads released together, each taking every fourth input, so that calls overlap on any machine.
        const int threads = 4;
        using var start = new Barrier(threads);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                for (var i = t; i < inputs.Length; i += threads)
                {
                    clientKeys[i] = shared.ClientKey(inputs[i].First, 'Z', inputs[i].Dob, Sex.F);
                    registrantHashes[i] = shared.RegistrantHash(inputs[i].Token);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Empty(failures);

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(Hmac(ClientSecret, $"{inputs[i].First}Z{inputs[i].Dob:yyyyMMdd}F"), clientKeys[i]);
            Assert.Equal(Hmac(NspSecret, inputs[i].Token), registrantHashes[i]);
        }
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

    [Theory]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv-kpi.vault.azure.net/secrets/client-key-secret/)", "nsp-secret", "client key secret")]
    [InlineData("client-secret", " @microsoft.keyvault(VaultName=kv-kpi;SecretName=nsp-token-secret)", "NSP registrant token secret")]
    public void Refuses_a_key_vault_reference_the_platform_could_not_resolve(string client, string nsp, string named)
    {
        var error = Assert.Throws<PseudonymisationSecretException>(() => new PseudonymisationSecrets(client, nsp));

        Assert.Contains($"The {named} is the text of a Key Vault reference", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("kv-kpi", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Development_secrets_say_they_are_for_development()
    {
        Assert.True(new Pseudonymiser(PseudonymisationSecrets.Development).IsDevelopment);
        Assert.False(Pseudonymiser.IsDevelopment);
        Assert.DoesNotContain("test-client", Fixture.Secrets.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1980-01-10", 44)] // birthday on the referral day
    [InlineData("1980-01-11", 43)] // birthday the day after referral
    [InlineData("1979-12-31", 44)]
    [InlineData("2006-01-10", 18)]
    [InlineData("1924-01-10", 100)]
    public async Task Stores_age_at_referral_in_whole_years_across_birthdays(string dob, int age)
    {
        var (report, sink) = await Episodes(EpisodeRow(("date_of_birth", dob)));

        AssertClean(report);
        Assert.Equal(age, sink.Episodes.Single().AgeAtReferral);
    }

    [Fact]
    public void Age_in_whole_years_is_the_count_of_birthdays_passed_for_all_dates()
    {
        var gen =
            from birth in Gen.Choose(0, 60000)
            from span in Gen.Choose(0, 45000)
            select (DateOnly.FromDayNumber(693000 + birth), DateOnly.FromDayNumber(693000 + birth + span));

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(500).WithReplay(
                Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(20240229UL, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None))),
            Prop.ForAll(Arb.From(gen), p => Pseudonymiser.AgeInWholeYears(p.Item1, p.Item2) == BirthdaysPassed(p.Item1, p.Item2)));
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

    [Fact]
    public async Task Curated_episodes_and_their_csv_carry_no_initials_or_date_of_birth()
    {
        var (_, sink) = await Episodes(EpisodeRow(("first_initial", "Q"), ("last_initial", "Z"), ("date_of_birth", "1971-11-23")));
        using var stream = new MemoryStream();
        CuratedCsv.WriteEpisodes(stream, sink.Episodes);
        var curated = Encoding.UTF8.GetString(stream.ToArray());

        Assert.DoesNotContain("1971-11-23", curated, StringComparison.Ordinal);
        Assert.DoesNotContain("19711123", curated, StringComparison.Ordinal);
        Assert.DoesNotContain(CuratedCsv.EpisodeColumns, c => c.Contains("initial", StringComparison.Ordinal) || c.Contains("birth", StringComparison.Ordinal));
        Assert.Contains("client_key", CuratedCsv.EpisodeColumns);
        Assert.Contains("age_at_referral", CuratedCsv.EpisodeColumns);
        Assert.Contains("sex", CuratedCsv.EpisodeColumns);
    }

    /// <summary>Whole years: birthdays reached on or before <paramref name="on"/>; a 29 February birthday falls on 1 March in other years.</summary>
    private static int BirthdaysPassed(DateOnly birth, DateOnly on)
    {
        var years = 0;
        while (Birthday(birth, birth.Year + years + 1) <= on)
        {
            years++;
        }

        return years;
    }

    private static DateOnly Birthday(DateOnly birth, int year) =>
        birth.Month == 2 && birth.Day == 29 && !DateTime.IsLeapYear(year) ? new DateOnly(year, 3, 1) : new DateOnly(year, birth.Month, birth.Day);
}
