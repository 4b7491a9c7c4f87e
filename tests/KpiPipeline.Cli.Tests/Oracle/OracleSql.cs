using System.Globalization;
using KpiPipeline.Cli.Benchmarks;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Synthetic;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests.Oracle;

/// <summary>
/// A run the oracle tests read: generated returns with files broken on purpose, the output of <c>kpi process</c> over them,
/// and the list of the broken files (<see cref="OracleSql.ProcessAsync"/>).
/// </summary>
internal sealed record OracleRun(string Returns, string Reference, string Output, string AsOf, string RejectedList);

/// <summary>
/// What the oracle tests do around their readings of the spec: generate returns, break some on purpose and run
/// <c>kpi process</c> over them; run a reading (<c>Oracle/spec-*.sql</c>) in a DuckDB session with its placeholders filled
/// in; read query results as text.
/// </summary>
internal static class OracleSql
{
    /// <summary>How many differing rows a failure lists.</summary>
    public const int MaxListed = 25;

    /// <summary>
    /// The returns an oracle test generates, each with a seed no other test uses: 3 areas of 5 providers, 2024-04 to
    /// 2026-09 (so an as-of date in 2026-07 leaves later months' returns ignored), 60 people a provider, 3 broken files.
    /// </summary>
    public static SyntheticOptions Returns(int seed) => SyntheticOptions.Demo with
    {
        Seed = seed,
        Areas = 3,
        TotalProviders = 5,
        FirstMonth = new ReportingMonth(2024, 4),
        Months = 30,
        PeoplePerProvider = 60,
        InjectedDefects = 3,
    };

    /// <summary>
    /// Generates returns with <paramref name="options"/> into a new folder named after <paramref name="name"/>, with the
    /// generator's injected defects, the files <paramref name="breakMore"/> breaks (given the returns folder and the generator;
    /// it returns their paths under it) and <see cref="EdgeReturns"/>' hand-made providers; runs <c>kpi process</c> as of
    /// <paramref name="asOf"/> and asserts that it rejected exactly the broken files (the readings do not validate: they are
    /// told which files were broken); writes their list as a reading takes it (one column, <c>path</c>).
    /// </summary>
    public static async Task<OracleRun> ProcessAsync(
        string name, SyntheticOptions options, string asOf, Func<string, SyntheticReturnsGenerator, IEnumerable<string>>? breakMore = null)
    {
        var (returns, reference, generator) = SyntheticFolder.CreateWithGenerator(name, options);
        var root = Path.GetDirectoryName(returns)!;
        var output = Path.Combine(root, "out");
        var broken = generator.InjectedDefects.Select(d => d.BlobName).ToList();
        broken.AddRange(breakMore?.Invoke(returns, generator) ?? []);
        broken.AddRange(EdgeReturns.WriteTo(returns, reference));

        Assert.Equal(0, await ProcessCommand.RunAsync(
            returns, reference, output, asOf, developmentSecrets: true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var report = await RunReportTable.ReadAsync(output);
        Assert.Equal(broken.Order(StringComparer.Ordinal), report.Values.Where(r => !r.Accepted).Select(r => r.FileName).Order(StringComparer.Ordinal));

        var rejectedList = Path.Combine(root, "rejected.csv");
        await File.WriteAllTextAsync(rejectedList, "path\n" + string.Concat(broken.Select(b => b + "\n")));
        return new OracleRun(returns, reference, output, asOf, rejectedList);
    }

    /// <summary>
    /// Runs the reading <paramref name="file"/> (under <c>tests/KpiPipeline.Cli.Tests/Oracle</c>) over <paramref name="run"/>'s
    /// returns, with <c>{{returns}}</c>, <c>{{reference}}</c>, <c>{{asof}}</c> and <c>{{rejected}}</c> filled in; its tables
    /// stay in <paramref name="session"/>.
    /// </summary>
    public static async Task RunReadingAsync(DuckDbSession session, string file, OracleRun run) =>
        await session.QueryAsync((await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "KpiPipeline.Cli.Tests", "Oracle", file)))
            .Replace("{{returns}}", DuckDbSide.Quote(run.Returns), StringComparison.Ordinal)
            .Replace("{{reference}}", DuckDbSide.Quote(run.Reference), StringComparison.Ordinal)
            .Replace("{{asof}}", run.AsOf, StringComparison.Ordinal)
            .Replace("{{rejected}}", DuckDbSide.Quote(run.RejectedList), StringComparison.Ordinal));

    /// <summary>
    /// Runs a test's <paramref name="comparison"/> with its <c>{{output}}</c> filled in with <paramref name="run"/>'s output: it
    /// joins the project's rows to the reading's and makes a <c>differences</c> table, a <c>description</c> of each.
    /// </summary>
    public static async Task CompareAsync(DuckDbSession session, string comparison, OracleRun run) =>
        await session.QueryAsync(comparison.Replace("{{output}}", DuckDbSide.Quote(run.Output), StringComparison.Ordinal));

    /// <summary>
    /// Asserts the <c>differences</c> table empty, listing its first <see cref="MaxListed"/> in <paramref name="orderBy"/>
    /// order: "{count} <paramref name="rows"/> differ between kpi process and the DuckDB reading of <paramref name="specPart"/>
    /// (…; oracle = Oracle/<paramref name="reading"/>)".
    /// </summary>
    public static async Task AssertNoDifferencesAsync(DuckDbSession session, string orderBy, string rows, string specPart, string reading)
    {
        var differences = await QueryAsync(session, $"SELECT description FROM differences ORDER BY {orderBy} LIMIT {MaxListed}");
        var count = Number((await QueryAsync(session, "SELECT count(*) FROM differences"))[0][0]);
        Assert.True(count == 0,
            $"{count} {rows} differ between kpi process and the DuckDB reading of {specPart} (first {MaxListed}; " +
            $"oracle = Oracle/{reading}):\n" + string.Join('\n', differences.Select(d => d[0])));
    }

    public static long Number(string text) => long.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>Every row of <paramref name="sql"/>'s result, each value as text.</summary>
    public static async Task<List<string[]>> QueryAsync(DuckDbSession session, string sql)
    {
        var result = await session.QueryAsync(sql);
        return [.. result.Rows.Select(row => result.Columns.Select(c => DuckDb.Text(row.GetProperty(c))).ToArray())];
    }
}
