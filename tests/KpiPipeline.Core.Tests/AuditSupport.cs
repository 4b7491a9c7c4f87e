using System.Security.Cryptography;
using System.Text;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Core.Reference;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Core.Tests;

/// <summary>
/// Inputs for the audit tests (an independent check of the validator against dataset.md). Everything is built here,
/// not shared with the other test classes, so the expected outcomes come from the spec alone. The reporting month
/// is 2024-03 (month end 2024-03-31) unless a test says otherwise.
/// </summary>
internal static class AuditSupport
{
    public const string ClientSecret = "audit-client-key-secret";
    public const string NspSecret = "audit-nsp-token-secret";

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

    /// <summary>A started, open episode: referred 2024-01-10, started 2024-01-20 on methadone 60 mg.</summary>
    public static readonly string[] GoodEpisode =
        ["PROV1", "EP1", "J", "S", "1980-05-17", "M", "2024-01-10", "GP", "HEROIN", "2024-01-20", "SPECIALIST", "METHADONE", "60", "MAINTENANCE", "Y", "", "", "ACTIVE"];

    public static readonly string[] GoodReview =
        ["PROV1", "EP1", "2024-03-05", "REVIEW", "10", "0", "0", "0", "2", "5", "N", "12", "14", "13", "N", "0", "35", "4", "2"];

    public static readonly string[] GoodNsp = ["PROV1", "PH-001", "PHARMACY", "2024-03-02", "tok123", "Y", "20", "Y", "N", "N", "N"];

    /// <summary>Changes that make the good episode one that has not started treatment (no setting, medication or dose).</summary>
    public static readonly (string Column, string Value)[] NotStarted =
        [("treatment_start_date", ""), ("setting", ""), ("medication", ""), ("daily_dose_mg", "")];

    public static readonly ReferenceData Reference = new(
        [new ProviderInfo("PROV1", "Provider One", "A1"), new ProviderInfo("PROV2", "Provider Two", "A1")],
        [new AreaInfo("A1", "Area One", Nation.ENGLAND, 1000, 300)],
        []);

    public static string Header(string[] columns) => string.Join(",", columns);

    public static string EpisodeRow(params (string Column, string Value)[] changes) => Row(EpisodeColumns, GoodEpisode, changes);

    public static string ReviewRow(params (string Column, string Value)[] changes) => Row(ReviewColumns, GoodReview, changes);

    public static string NspRow(params (string Column, string Value)[] changes) => Row(NspColumns, GoodNsp, changes);

    public static string Row(string[] columns, string[] values, params (string Column, string Value)[] changes)
    {
        var row = (string[])values.Clone();
        foreach (var (column, value) in changes)
        {
            var index = Array.IndexOf(columns, column);
            if (index < 0)
            {
                throw new ArgumentException($"No column {column}.", nameof(changes));
            }

            row[index] = value;
        }

        return string.Join(",", row);
    }

    public static ValidationContext Context(
        IReadOnlySet<string>? previouslyOpen = null, IReadOnlySet<string>? known = null) => new()
        {
            Reference = Reference,
            Pseudonymiser = new Pseudonymiser(new PseudonymisationSecrets(ClientSecret, NspSecret)),
            UploadedAt = new DateTimeOffset(2024, 4, 5, 10, 0, 0, TimeSpan.Zero),
            PreviouslyOpenEpisodeIds = previouslyOpen ?? new HashSet<string>(StringComparer.Ordinal),
            KnownEpisodeIds = known ?? new HashSet<string>(StringComparer.Ordinal) { "EP1", "EP2", "EP3" },
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
        Upload("PROV1/2024-03/episodes.csv", Lines(Header(EpisodeColumns), rows));

    public static Task<(ValidationReport Report, CollectingRowSink Sink)> Reviews(params string[] rows) =>
        Upload("PROV1/2024-03/reviews.csv", Lines(Header(ReviewColumns), rows));

    public static Task<(ValidationReport Report, CollectingRowSink Sink)> Nsp(params string[] rows) =>
        Upload("PROV1/2024-03/nsp.csv", Lines(Header(NspColumns), rows));

    public static string Lines(string header, IEnumerable<string> rows) => string.Join("\n", [header, .. rows]) + "\n";

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

    /// <summary>The spec's client key, computed independently: lowercase hex HMAC-SHA256(secret, FI + LI + yyyyMMdd + SEX).</summary>
    public static string ExpectedClientKey(string firstInitial, string lastInitial, DateOnly dob, string sex)
    {
        var message = firstInitial.ToUpperInvariant() + lastInitial.ToUpperInvariant()
            + dob.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + sex.ToUpperInvariant();
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(ClientSecret));
        return Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes(message))).ToLowerInvariant();
    }

    public static string Hmac(string secret, string message)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes(message))).ToLowerInvariant();
    }
}
