using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// <c>kpi process</c> with workforce.csv files (dataset.md section 6) among the returns: each gets its report row, an accepted
/// one counts as a source return, a rejected one counts in DQ02 like any other upload, and DQ01 looks at episodes.csv only
/// (kpis.md 10.7): neither a workforce month sent before any episodes nor a month with no workforce.csv changes it.
/// </summary>
public sealed class WorkforceProcessTests
{
    private const string Providers = "provider_code,provider_name,area_code\nP1,Provider One,A1\n";
    private const string Areas = "area_code,area_name,nation,estimated_opiate_users,estimated_pwid\nA1,Area One,ENGLAND,1000,300\n";
    private const string Workforce = "provider_code,staff_headcount,staff_fte,long_term_leave_fte,staff_on_long_term_leave,staff_under_2_years\n";

    private const string Episodes =
        "provider_code,episode_id,first_initial,last_initial,date_of_birth,sex,referral_date,referral_source,primary_substance," +
        "treatment_start_date,setting,medication,daily_dose_mg,treatment_goal,naloxone_supplied,exit_date,exit_reason,record_status\n" +
        "P1,E1,J,S,1980-05-17,M,2024-01-10,GP,HEROIN,2024-01-20,SPECIALIST,METHADONE,80,MAINTENANCE,Y,,,ACTIVE\n";

    [Fact]
    public async Task Workforce_files_are_reported_and_counted_as_returns_in_DQ02_but_not_in_DQ01()
    {
        var folder = RepoPaths.NewTempFolder("workforce-process");
        var returns = Path.Combine(folder, "returns");
        var reference = Path.Combine(folder, "reference");
        var output = Path.Combine(folder, "out");
        Write(reference, "providers.csv", Providers);
        Write(reference, "areas.csv", Areas);

        // Episodes from May; a workforce month in April, before any episodes; June's workforce.csv is rejected (no row, K07).
        Write(returns, "P1/2024-05/episodes.csv", Episodes);
        Write(returns, "P1/2024-06/episodes.csv", Episodes);
        Write(returns, "P1/2024-04/workforce.csv", Workforce + "P1,12,10.5,0.5,1,4\n");
        Write(returns, "P1/2024-06/workforce.csv", Workforce);
        Write(returns, "P1/2024-09/episodes.csv", Episodes);   // after the as-of date: accepted, but not used

        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2024-08-01", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));

        var table = await RunReportTable.ReadAsync(output);
        Assert.True(table["P1/2024-04/workforce.csv"].Accepted);
        Assert.False(table["P1/2024-06/workforce.csv"].Accepted);
        Assert.Equal(["K07"], table["P1/2024-06/workforce.csv"].Rules);
        // Used: the accepted files of the months read; not the rejected one, nor September's, accepted but after the as-of date.
        Assert.Equal(
            ["P1/2024-04/workforce.csv", "P1/2024-05/episodes.csv", "P1/2024-06/episodes.csv"],
            table.Values.Where(r => r.Used).Select(r => r.FileName).Order(StringComparer.Ordinal));
        Assert.True(table["P1/2024-09/episodes.csv"].Accepted);
        var kinds = await DuckDb.QueryAsync(
            $"SELECT string_agg(file_kind, ',' ORDER BY file_name) AS kinds FROM read_csv({DuckDb.Literal(Path.Combine(output, "reports", "files.csv"))}, header = true, all_varchar = true)");
        Assert.Equal("workforce,episodes,episodes,workforce,episodes", kinds[0, "kinds"].GetString());

        // April to June: May and June expected (both on time); April is before the first month with an accepted episodes.csv.
        Assert.Equal("2|2|100.0", await FigureAsync(output, "DQ01_returns_on_time", "2024-25-Q1"));
        Assert.Equal("0|0|", await FigureAsync(output, "DQ01_returns_on_time", "2023-24-Q4"));
        Assert.Equal("1||1.0", await FigureAsync(output, "DQ02_rejected_uploads", "2024-25-Q1"));
        var metadata = await DuckDb.QueryAsync(
            $"SELECT decode(value) AS v FROM parquet_kv_metadata({DuckDb.Literal(Path.Combine(output, "restricted", "kpi_results", "period=2024-25-Q1", "part-0.parquet"))}) " +
            "WHERE decode(key) = 'source_returns'");
        Assert.Equal("3", metadata[0, "v"].GetString());   // the returns used: not June's rejected workforce.csv, nor September's
    }

    /// <summary>numerator|denominator|value of a provider-level KPI row of P1 (dimension all), as text.</summary>
    private static async Task<string> FigureAsync(string output, string kpi, string period)
    {
        var rows = await DuckDb.QueryAsync(
            "SELECT concat_ws('|', coalesce(CAST(numerator AS VARCHAR), ''), coalesce(CAST(denominator AS VARCHAR), ''), coalesce(CAST(value AS VARCHAR), '')) AS f " +
            $"FROM read_parquet({DuckDb.Literal(Path.Combine(output, "restricted", "kpi_results") + "/*/*.parquet")}, hive_partitioning = true) " +
            $"WHERE level = 'provider' AND unit_code = 'P1' AND dimension = 'all' AND kpi_id = {DuckDb.Literal(kpi)} AND period = {DuckDb.Literal(period)}");
        return rows[0, "f"].GetString()!;
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
