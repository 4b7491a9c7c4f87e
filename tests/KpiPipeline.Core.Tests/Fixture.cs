using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Core.Reference;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Core.Tests;

/// <summary>
/// The one builder of validation inputs for the Core tests: reference data with PROV1 and PROV2 in area A1, test secrets,
/// the columns and one good row of each return file (dataset.md), rows changed column by column, uploads through the real
/// validator, and the assertions the rule tests share. The reporting month is 2024-03 (month end 2024-03-31) and the
/// upload time 2024-04-05T10:00Z unless a test says otherwise. Expected values come from the spec, never from the code
/// under test.
/// </summary>
internal static class Fixture
{
    public const string ClientSecret = "test-client-key-secret";
    public const string NspSecret = "test-nsp-token-secret";

    public static readonly PseudonymisationSecrets Secrets = new(ClientSecret, NspSecret);

    public static readonly ReferenceData Reference = new(
        [new ProviderInfo("PROV1", "Provider One", "A1"), new ProviderInfo("PROV2", "Provider Two", "A1")],
        [new AreaInfo("A1", "Area One", Nation.ENGLAND, 1000, 300)],
        []);

    public static readonly string[] EpisodeColumns =
    [
        "provider_code", "episode_id", "first_initial", "last_initial", "date_of_birth", "sex", "referral_date", "referral_source",
        "primary_substance", "treatment_start_date", "setting", "medication", "daily_dose_mg", "treatment_goal", "naloxone_supplied",
        "exit_date", "exit_reason", "record_status",
    ];

    public static readonly string[] ReviewColumns =
    [
        "provider_code", "episode_id", "review_date", "stage", "opiate_days", "crack_days", "cocaine_days", "benzodiazepine_days",
        "alcohol_days", "injecting_days", "shared_equipment", "psychological_health", "physical_health", "quality_of_life",
        "acute_housing_problem", "paid_work_days", "barc10_score", "goals_set", "goals_progressed",
    ];

    public static readonly string[] NspColumns =
    [
        "provider_code", "outlet_code", "outlet_type", "transaction_date", "registrant_token", "new_registration", "needles_supplied",
        "used_returned", "naloxone_supplied", "bbv_test", "referred_to_treatment",
    ];

    public static readonly string[] WorkforceColumns =
        ["provider_code", "staff_headcount", "staff_fte", "long_term_leave_fte", "staff_on_long_term_leave", "staff_under_2_years"];

    public static readonly string EpisodesHeader = Header(EpisodeColumns);
    public static readonly string ReviewsHeader = Header(ReviewColumns);
    public static readonly string NspHeader = Header(NspColumns);
    public static readonly string WorkforceHeader = Header(WorkforceColumns);

    /// <summary>The month whose accepted episodes.csv the ids of <see cref="Context"/>'s <c>previouslyOpen</c> were open at the end of, on rows 1, 2, ….</summary>
    public static readonly ReportingMonth PreviousMonth = new(2024, 2);

    /// <summary>A started, open episode: referred 2024-01-10, started 2024-01-20 on methadone 60 mg.</summary>
    public const string GoodEpisode = "PROV1,EP1,J,S,1980-05-17,M,2024-01-10,GP,HEROIN,2024-01-20,SPECIALIST,METHADONE,60,MAINTENANCE,Y,,,ACTIVE";

    public const string GoodReview = "PROV1,EP1,2024-03-05,REVIEW,10,0,0,0,2,5,N,12,14,13,N,0,35,4,2";

    public const string GoodNsp = "PROV1,PH-001,PHARMACY,2024-03-02,tok123,Y,20,Y,N,N,N";

    /// <summary>30 people, 26.5 FTE, 1.5 FTE of it (2 people) on long-term leave, 9 with under two years' service.</summary>
    public const string GoodWorkforce = "PROV1,30,26.5,1.5,2,9";

    /// <summary>Changes that make the good episode one that has not started treatment (no setting, medication or dose).</summary>
    public static readonly (string Column, string Value)[] NotStarted =
        [("treatment_start_date", ""), ("setting", ""), ("medication", ""), ("daily_dose_mg", "")];

    public static string Header(string[] columns) => string.Join(",", columns);

    public static string EpisodeRow(params (string Column, string Value)[] changes) => With(EpisodesHeader, GoodEpisode, changes);

    public static string ReviewRow(params (string Column, string Value)[] changes) => With(ReviewsHeader, GoodReview, changes);

    public static string NspRow(params (string Column, string Value)[] changes) => With(NspHeader, GoodNsp, changes);

    public static string WorkforceRow(params (string Column, string Value)[] changes) => With(WorkforceHeader, GoodWorkforce, changes);

    /// <summary>Replaces named columns of a comma-separated row whose columns are those of <paramref name="header"/>.</summary>
    public static string With(string header, string row, params (string Column, string Value)[] changes)
    {
        var names = header.Split(',');
        var values = row.Split(',');
        foreach (var (column, value) in changes)
        {
            var index = Array.IndexOf(names, column);
            if (index < 0)
            {
                throw new ArgumentException($"No column {column}.", nameof(changes));
            }

            values[index] = value;
        }

        return string.Join(",", values);
    }

    public static string Lines(string header, IEnumerable<string> rows) => string.Join("\n", [header, .. rows]) + "\n";

    public static ValidationContext Context(
        IReadOnlyCollection<string>? previouslyOpen = null, IReadOnlySet<string>? known = null, DateTimeOffset? uploadedAt = null,
        IReadOnlySet<string>? deleted = null,
        long maxFileBytes = ValidationContext.DefaultMaxFileBytes, IReadOnlyCollection<OpenEpisode>? previouslyOpenEpisodes = null) => new()
        {
            MaxFileBytes = maxFileBytes,
            Reference = Reference,
            Pseudonymiser = new Pseudonymiser(Secrets),
            UploadedAt = uploadedAt ?? new DateTimeOffset(2024, 4, 5, 10, 0, 0, TimeSpan.Zero),
            PreviouslyOpenEpisodes = previouslyOpenEpisodes ?? [.. (previouslyOpen ?? []).Select((id, i) => new OpenEpisode(id, PreviousMonth, i + 1))],
            KnownEpisodeIds = known ?? new HashSet<string>(StringComparer.Ordinal) { "EP1", "EP2", "EP3" },
            DeletedEpisodeIds = deleted ?? new HashSet<string>(StringComparer.Ordinal),
        };

    public static Task<(ValidationReport Report, CollectingRowSink Sink)> Upload(string blobName, string content, ValidationContext? context = null) =>
        UploadBytes(blobName, Encoding.UTF8.GetBytes(content), context);

    public static async Task<(ValidationReport Report, CollectingRowSink Sink)> UploadBytes(string blobName, byte[] content, ValidationContext? context = null)
    {
        var sink = new CollectingRowSink();
        var report = await ReturnValidator.ValidateAsync(blobName, new MemoryStream(content), context ?? Context(), sink, CancellationToken.None);
        return (report, sink);
    }

    public static Task<(ValidationReport Report, CollectingRowSink Sink)> Episodes(params string[] rows) =>
        Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader, rows));

    public static Task<(ValidationReport Report, CollectingRowSink Sink)> Reviews(params string[] rows) =>
        Upload("PROV1/2024-03/reviews.csv", Lines(ReviewsHeader, rows));

    public static Task<(ValidationReport Report, CollectingRowSink Sink)> Nsp(params string[] rows) =>
        Upload("PROV1/2024-03/nsp.csv", Lines(NspHeader, rows));

    public static Task<(ValidationReport Report, CollectingRowSink Sink)> Workforce(params string[] rows) =>
        Upload("PROV1/2024-03/workforce.csv", Lines(WorkforceHeader, rows));

    /// <summary>Every rule id the report counts, errors and warnings, in ordinal order.</summary>
    public static string[] Rules(ValidationReport report) => report.CountsByRule.Select(c => c.RuleId).Order(StringComparer.Ordinal).ToArray();

    public static string Describe(ValidationReport report) =>
        string.Join("; ", report.Issues.Select(i => $"{i.RuleId} row {i.Row} {i.Column}={i.Value}: {i.Message}"));

    /// <summary>The file is accepted with no issue at all.</summary>
    public static void AssertClean(ValidationReport report)
    {
        Assert.True(report.Accepted && report.Issues.Count == 0, "Expected a clean, accepted file; got: " + Describe(report));
    }

    /// <summary>The file is rejected and the only rule the report names is <paramref name="rule"/>.</summary>
    public static void AssertRejectedBy(ValidationReport report, string rule)
    {
        Assert.False(report.Accepted, $"Expected rejection by {rule}; the file was accepted. Issues: " + Describe(report));
        Assert.Equal([rule], Rules(report));
    }

    /// <summary>An upload of one row: clean with its one curated row when <paramref name="rule"/> is null, else rejected by that rule alone.</summary>
    public static void AssertOneRow(string? rule, (ValidationReport Report, CollectingRowSink Sink) upload)
    {
        if (rule is null)
        {
            AssertClean(upload.Report);
            Assert.Equal(1, upload.Sink.Count);
        }
        else
        {
            AssertRejectedBy(upload.Report, rule);
        }
    }

    /// <summary>The spec's client key, computed independently: lowercase hex HMAC-SHA256(secret, FI + LI + yyyyMMdd + SEX).</summary>
    public static string ExpectedClientKey(string firstInitial, string lastInitial, DateOnly dob, string sex) =>
        Hmac(ClientSecret, firstInitial.ToUpperInvariant() + lastInitial.ToUpperInvariant()
            + dob.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + sex.ToUpperInvariant());

    public static string Hmac(string secret, string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));

    /// <summary>Runs an FsCheck property with a fixed seed, throwing on the first counterexample.</summary>
    public static void CheckProperty<T>(Gen<T> generator, Func<T, bool> property, int tests = 300, ulong seed = 20240405)
    {
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(tests)
            .WithReplay(Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None)));
        Check.One(config, Prop.ForAll(Arb.From(generator), property));
    }
}
