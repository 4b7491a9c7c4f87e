using System.IO.Compression;
using System.Text;
using KpiPipeline.Pipeline.Offline;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// Pins every version 1 figure (kpis.md sections 0–9, dimensions all and substance_group) of both published datasets on
/// a fixed set of returns kept in the repository (<c>tests/golden/v1/returns.tgz</c>: seeded synthetic returns with
/// rejected files among them, so that the test does not move when the generator does), against the rows the code wrote
/// before version 1.1 (<c>tests/golden/v1/rows.csv.gz</c>). Whatever is added to the catalogue, the engine or the data
/// set, the same returns must give the same version 1 rows.
/// </summary>
/// <remarks>
/// The pinned rows were written by this test with <c>KPI_GOLDEN_WRITE=1</c> on main at 3aeba23, the last commit before
/// the version 1.1 work; the returns came from
/// <c>kpi generate --seed 1101 --areas 3 --providers 5 --months 30 --people-per-provider 80 --defects 4</c>. Re-pinned once,
/// on 2026-12-05, when public rows came to be rated on their published value (docs/kpis.md, "Disclosure: ratings"): the
/// rag of 446 public rows changed and nothing else, in either dataset. Re-pinned again on 2026-12-06 for complementary
/// suppression (docs/kpis.md, "Disclosure: complementary suppression"): of the 38,628 public rows, 88 became suppressed
/// (a count withheld so that a count of 1–7 cannot be worked out) and 16 lost their national_benchmark rating because the
/// ALL row they are rated against was withheld; nothing else changed, in either dataset. Re-pinned later that day when
/// complementary suppression came to model what an analyst can and cannot tell (shared counts, at-most relations, a
/// median's parity; a withheld blank indistinguishable from a small one): 155 public rows changed (47 became suppressed,
/// 54 are published again, 38 suppressed rows blank other counts, 16 ratings follow their ALL row), nothing restricted.
/// Re-pinned a third time that day when complements came to be chosen by what their withholding takes along (docs/kpis.md,
/// "Disclosure: complementary suppression"): 77 public rows changed (50 published again, 6 became suppressed, 21
/// suppressed rows blank other counts; public rows suppressed 5,732 -> 5,688), nothing restricted.
/// </remarks>
public sealed class VersionOneFiguresTests
{
    /// <summary>The as-of date of the pinned run: some quarters final, the latest ones provisional.</summary>
    private const string AsOf = "2026-10-20";


    /// <summary>The version 1 KPI ids (kpis.md sections 1–8): no 1.1 id starts with these families' numbers.</summary>
    private const string VersionOneKpis =
        "regexp_matches(kpi_id, '^(ACC0[1-4]|VOL0[1-2]|RET0[1-4]|EXT0[1-6]|DOS0[1-2]|HRM01|SOFT0[1-8]|NSP0[1-6]|POP01|DQ0[1-3])_')";

    private const string Row =
        "concat_ws('|', period, period_start, period_end, as_of, level, unit_code, coalesce(area_code, '∅'), kpi_id, dimension, dimension_value, " +
        "coalesce(numerator::VARCHAR, '∅'), coalesce(denominator::VARCHAR, '∅'), coalesce(value::VARCHAR, '∅'), coalesce(target::VARCHAR, '∅'), " +
        "rag, rag_basis, status, suppressed, schema_version)";

    [Fact]
    public async Task Every_version_1_row_of_both_datasets_is_unchanged_on_the_pinned_returns()
    {
        var output = await PinnedReturns.ProcessAsync(AsOf);

        var rows = new StringBuilder();
        foreach (var dataset in new[] { "restricted", "public" })
        {
            var glob = DuckDb.Literal(Path.Combine(output, dataset, "kpi_results") + "/*/*.parquet");
            var result = await DuckDb.QueryAsync(
                $"SELECT string_agg(r, '\n' ORDER BY r) AS rows FROM (SELECT '{dataset}|' || {Row} AS r " +
                $"FROM read_parquet({glob}, hive_partitioning = true) " +
                $"WHERE {VersionOneKpis} AND dimension IN ('all', 'substance_group'))");
            rows.Append(result[0, "rows"].GetString()).Append('\n');
        }

        var pinned = Path.Combine(PinnedReturns.Folder, "rows.csv.gz");
        if (Environment.GetEnvironmentVariable("KPI_GOLDEN_WRITE") == "1")
        {
            await using var gzip = new GZipStream(File.Create(pinned), CompressionLevel.SmallestSize);
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(rows.ToString()));
            return;
        }

        string expected;
        await using (var gzip = new GZipStream(File.OpenRead(pinned), CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip, Encoding.UTF8))
        {
            expected = await reader.ReadToEndAsync();
        }

        var expectedLines = expected.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var actualLines = rows.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(expectedLines.Length > 50_000, $"The pinned file holds only {expectedLines.Length} rows.");
        var missing = expectedLines.Except(actualLines, StringComparer.Ordinal).Take(10).ToList();
        var added = actualLines.Except(expectedLines, StringComparer.Ordinal).Take(10).ToList();
        Assert.True(missing.Count == 0 && added.Count == 0 && expectedLines.Length == actualLines.Length,
            $"{expectedLines.Length} rows pinned, {actualLines.Length} now.\nPinned, now missing:\n  {string.Join("\n  ", missing)}\n" +
            $"Now, not pinned:\n  {string.Join("\n  ", added)}");
    }
}
