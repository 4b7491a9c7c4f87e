using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Testing;
using static KpiPipeline.Core.Tests.Fixture;

namespace KpiPipeline.Core.Tests;

public class CuratedCsvTests
{
    private static readonly Gen<string> Text =
        Gen.Elements('a', 'Z', '0', ',', '"', '\r', '\n', ' ', 'é', '=', '-').ArrayOf().Select(c => new string(c));

    private static readonly Gen<DateOnly> Dates = Gen.Choose(0, 3_000_000).Select(DateOnly.FromDayNumber);

    private static Gen<T?> Maybe<T>(Gen<T> gen)
        where T : struct => Gen.Frequency((1, Gen.Constant<T?>(null)), (3, gen.Select(v => (T?)v)));

    private static Gen<T> Code<T>()
        where T : struct, Enum => Gen.Elements(Enum.GetValues<T>());

    private static readonly Gen<CuratedEpisode> Episodes =
        from ids in Text.Three()
        from age in Gen.Choose(-5, 200)
        from sex in Code<Sex>()
        from referral in Dates
        from start in Maybe(Dates)
        from exitDate in Maybe(Dates)
        from source in Code<ReferralSource>()
        from substance in Code<Substance>()
        from setting in Maybe(Code<TreatmentSetting>())
        from medication in Maybe(Code<Medication>())
        from dose in Maybe(Gen.Choose(0, 2_000_000).Zip(Gen.Choose(0, 4)).Select(d => d.Item1 / (decimal)Math.Pow(10, d.Item2)))
        from goal in Maybe(Code<TreatmentGoal>())
        from naloxone in Maybe(Gen.Elements(true, false))
        from exit in Maybe(Code<ExitReason>())
        from status in Code<RecordStatus>()
        select new CuratedEpisode(ids.Item1, ids.Item2, ids.Item3, age, sex, referral, source, substance, start, setting,
            medication, dose, goal, naloxone, exitDate, exit, status);

    private static readonly Gen<int?> Measure = Maybe(Gen.Choose(-100, 100));

    private static readonly Gen<CuratedReview> Reviews =
        from ids in Text.Two()
        from date in Dates
        from stage in Code<ReviewStage>()
        from m in Measure.ArrayOf(14)
        from flags in Maybe(Gen.Elements(true, false)).Two()
        select new CuratedReview(ids.Item1, ids.Item2, date, stage, m[0], m[1], m[2], m[3], m[4], m[5], flags.Item1, m[6], m[7], m[8], flags.Item2, m[9], m[10], m[11], m[12]);

    private static readonly Gen<CuratedNspTransaction> Nsp =
        from provider in Text
        from outlet in Text
        from type in Code<OutletType>()
        from date in Dates
        from hash in Gen.OrNull(Text)
        from needles in Gen.Choose(0, 1000)
        from flags in Maybe(Gen.Elements(true, false)).ArrayOf(5)
        select new CuratedNspTransaction(provider, outlet, type, date, hash, flags[0], needles, flags[1], flags[2], flags[3], flags[4]);

    [Fact]
    public void Any_curated_episodes_round_trip_exactly()
    {
        CheckProperty(Episodes.ListOf(), rows =>
        {
            var stream = new MemoryStream();
            CuratedCsv.WriteEpisodes(stream, rows);
            stream.Position = 0;
            var back = CuratedCsv.ReadEpisodes(stream).ToList();
            return back.SequenceEqual(rows) && back.Zip(rows).All(p => p.First.DailyDoseMg?.Scale == p.Second.DailyDoseMg?.Scale);
        });
    }

    [Fact]
    public void Any_curated_reviews_round_trip_exactly()
    {
        CheckProperty(Reviews.ListOf(), rows =>
        {
            var stream = new MemoryStream();
            CuratedCsv.WriteReviews(stream, rows);
            stream.Position = 0;
            return CuratedCsv.ReadReviews(stream).SequenceEqual(rows);
        });
    }

    [Fact]
    public void Any_curated_nsp_transactions_round_trip_exactly_telling_empty_from_null()
    {
        CheckProperty(Nsp.ListOf(), rows =>
        {
            var stream = new MemoryStream();
            CuratedCsv.WriteNsp(stream, rows);
            stream.Position = 0;
            return CuratedCsv.ReadNsp(stream).SequenceEqual(rows);
        });
    }

    private static readonly Gen<CuratedWorkforce> Workforce =
        from provider in Text
        from counts in Gen.Choose(0, 10_000).ArrayOf(3)
        from fte in Gen.Choose(0, 1_000_000).Zip(Gen.Choose(0, 4)).Select(d => d.Item1 / (decimal)Math.Pow(10, d.Item2)).Two()
        select new CuratedWorkforce(provider, counts[0], fte.Item1, fte.Item2, counts[1], counts[2]);

    [Fact]
    public void Any_curated_workforce_rows_round_trip_exactly_with_the_scale_of_their_fte()
    {
        CheckProperty(Workforce.ListOf(), rows =>
        {
            var stream = new MemoryStream();
            CuratedCsv.WriteWorkforce(stream, rows);
            stream.Position = 0;
            var back = CuratedCsv.ReadWorkforce(stream).ToList();
            return back.SequenceEqual(rows) && back.Zip(rows).All(p => p.First.StaffFte.Scale == p.Second.StaffFte.Scale);
        });
    }

    [Fact]
    public async Task Validated_rows_round_trip_through_curated_csv()
    {
        var (_, episodes) = await Episodes(EpisodeRow(), EpisodeRow(("episode_id", "EP2"), ("daily_dose_mg", "12.50"), ("exit_date", "2024-03-31"), ("exit_reason", "DIED")));
        var (_, reviews) = await Reviews(ReviewRow(), ReviewRow(("stage", "EXIT"), ("opiate_days", ""), ("goals_set", "")));
        var (_, nsp) = await Nsp(NspRow(), NspRow(("registrant_token", ""), ("bbv_test", "")));

        Assert.Equal(episodes.Episodes, RoundTrip(episodes.Episodes, CuratedCsv.WriteEpisodes, CuratedCsv.ReadEpisodes));
        Assert.Equal(reviews.Reviews, RoundTrip(reviews.Reviews, CuratedCsv.WriteReviews, CuratedCsv.ReadReviews));
        Assert.Equal(nsp.Nsp, RoundTrip(nsp.Nsp, CuratedCsv.WriteNsp, CuratedCsv.ReadNsp));
    }

    [Fact]
    public async Task Episodes_read_asynchronously_match_the_synchronous_reader()
    {
        var rows = Episodes.Sample(50, 20);
        var stream = new MemoryStream();
        CuratedCsv.WriteEpisodes(stream, rows);

        stream.Position = 0;
        var back = new List<CuratedEpisode>();
        await foreach (var row in CuratedCsv.ReadEpisodesAsync(stream))
        {
            back.Add(row);
        }

        Assert.Equal(rows, back);
    }

    [Fact]
    public void Header_is_the_record_fields_in_snake_case()
    {
        var stream = new MemoryStream();
        CuratedCsv.WriteNsp(stream, []);

        Assert.Equal("provider_code,outlet_code,outlet_type,transaction_date,registrant_hash,new_registration,needles_supplied,used_returned,naloxone_supplied,bbv_test,referred_to_treatment\n",
            System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        Assert.Equal(typeof(CuratedEpisode).GetProperties().Length, CuratedCsv.EpisodeColumns.Count);
        Assert.Equal(typeof(CuratedReview).GetProperties().Length, CuratedCsv.ReviewColumns.Count);

        // AvailableFte is derived, not stored.
        Assert.Equal(typeof(CuratedWorkforce).GetProperties().Length - 1, CuratedCsv.WorkforceColumns.Count);
    }

    [Fact]
    public void Refuses_a_file_with_another_header()
    {
        var stream = new MemoryStream("provider_code,episode_id\nA,B\n"u8.ToArray());

        Assert.Throws<InvalidDataException>(() => CuratedCsv.ReadEpisodes(stream).ToList());
    }

    [Fact]
    public async Task DuckDb_reads_curated_episodes_as_written()
    {
        var folder = RepoPaths.NewTempFolder("curated");
        var path = Path.Combine(folder, "episodes.csv");
        var row = new CuratedEpisode("PROV1", "EP,1", "abc", 40, Sex.F, new DateOnly(2024, 1, 2), ReferralSource.GP, Substance.CRACK,
            null, null, Medication.METHADONE, 12.5m, null, true, null, null, RecordStatus.ACTIVE);
        await using (var file = File.Create(path))
        {
            CuratedCsv.WriteEpisodes(file, [row]);
        }

        var result = await DuckDb.QueryAsync($"SELECT episode_id, age_at_referral, referral_date::VARCHAR AS referral_date, daily_dose_mg, setting FROM read_csv({DuckDb.Literal(path)}, header = true)");

        Assert.Equal("EP,1", result[0, "episode_id"].GetString());
        Assert.Equal("2024-01-02", result[0, "referral_date"].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result[0, "setting"].ValueKind);
    }

    private static List<T> RoundTrip<T>(IEnumerable<T> rows, Action<Stream, IEnumerable<T>> write, Func<Stream, IEnumerable<T>> read)
    {
        using var stream = new MemoryStream();
        write(stream, rows);
        stream.Position = 0;
        return read(stream).ToList();
    }
}
