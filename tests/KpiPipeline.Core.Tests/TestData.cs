using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Core.Reference;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Core.Tests;

/// <summary>Shared inputs: reference data with PROV1 and PROV2 in area A1, test secrets, and small validation helpers.</summary>
internal static class TestData
{
    public const string EpisodesHeader =
        "provider_code,episode_id,first_initial,last_initial,date_of_birth,sex,referral_date,referral_source,primary_substance,"
        + "treatment_start_date,setting,medication,daily_dose_mg,treatment_goal,naloxone_supplied,exit_date,exit_reason,record_status";

    public const string GoodEpisode = "PROV1,EP1,J,S,1980-05-17,M,2024-01-10,GP,HEROIN,2024-01-20,SPECIALIST,METHADONE,60,MAINTENANCE,Y,,,ACTIVE";

    public const string ReviewsHeader =
        "provider_code,episode_id,review_date,stage,opiate_days,crack_days,cocaine_days,benzodiazepine_days,alcohol_days,injecting_days,"
        + "shared_equipment,psychological_health,physical_health,quality_of_life,acute_housing_problem,paid_work_days,barc10_score,goals_set,goals_progressed";

    public const string GoodReview = "PROV1,EP1,2024-03-05,REVIEW,10,0,0,0,2,5,N,12,14,13,N,0,35,4,2";

    public const string NspHeader =
        "provider_code,outlet_code,outlet_type,transaction_date,registrant_token,new_registration,needles_supplied,used_returned,naloxone_supplied,bbv_test,referred_to_treatment";

    public const string GoodNsp = "PROV1,PH-001,PHARMACY,2024-03-02,tok123,Y,20,Y,N,N,N";

    public static readonly PseudonymisationSecrets Secrets = new("test-client-key-secret", "test-nsp-token-secret");

    public static readonly ReferenceData Reference = new(
        [new ProviderInfo("PROV1", "Provider One", "A1"), new ProviderInfo("PROV2", "Provider Two", "A1")],
        [new AreaInfo("A1", "Area One", Nation.ENGLAND, 1000, 300)],
        []);

    public static ValidationContext Context(
        IReadOnlySet<string>? previouslyOpen = null, IReadOnlySet<string>? known = null, DateTimeOffset? uploadedAt = null,
        long maxFileBytes = ValidationContext.DefaultMaxFileBytes) => new()
        {
            MaxFileBytes = maxFileBytes,
            Reference = Reference,
            Pseudonymiser = new Pseudonymiser(Secrets),
            UploadedAt = uploadedAt ?? new DateTimeOffset(2024, 4, 5, 10, 0, 0, TimeSpan.Zero),
            PreviouslyOpenEpisodeIds = previouslyOpen ?? new HashSet<string>(),
            KnownEpisodeIds = known ?? new HashSet<string> { "EP1", "EP2", "EP3" },
        };

    public static Task<ValidationReport> Validate(string blobName, string content, CollectingRowSink sink, ValidationContext? context = null) =>
        ReturnValidator.ValidateAsync(blobName, new MemoryStream(Encoding.UTF8.GetBytes(content)), context ?? Context(), sink, CancellationToken.None);

    public static async Task<(ValidationReport Report, CollectingRowSink Sink)> Episodes(params string[] rows)
    {
        var sink = new CollectingRowSink();
        var report = await Validate("PROV1/2024-03/episodes.csv", string.Join("\n", [EpisodesHeader, .. rows]) + "\n", sink);
        return (report, sink);
    }

    /// <summary>Replaces named columns of a comma-separated row whose columns are those of <paramref name="header"/>.</summary>
    public static string With(string header, string row, params (string Column, string Value)[] changes)
    {
        var names = header.Split(',');
        var values = row.Split(',');
        foreach (var (column, value) in changes)
        {
            values[Array.IndexOf(names, column)] = value;
        }

        return string.Join(",", values);
    }

    public static string Episode(params (string Column, string Value)[] changes) => With(EpisodesHeader, GoodEpisode, changes);

    public static string[] RulesOf(ValidationReport report) => report.CountsByRule.Select(c => c.RuleId).ToArray();

    /// <summary>Runs an FsCheck property with a fixed seed, throwing on the first counterexample.</summary>
    public static void CheckProperty<T>(Gen<T> generator, Func<T, bool> property, int tests = 300, ulong seed = 20240405)
    {
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(tests)
            .WithReplay(Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None)));
        Check.One(config, Prop.ForAll(Arb.From(generator), property));
    }
}
