using System.Globalization;
using System.Text.Json;
using KpiPipeline.Cli;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Synthetic;
using KpiPipeline.Testing;
using Microsoft.Playwright;

namespace KpiPipeline.Scorecards.Tests;

/// <summary>
/// One real <c>kpi process</c> run on seeded synthetic returns (two areas of two providers, January to September 2025, one
/// deliberately bad file), and one Chromium (Debian's, through Playwright) with a fresh profile, shared by the tests.
/// </summary>
public sealed class ScorecardRun : IAsyncLifetime
{
    public const string AsOf = "2025-10-15";
    public const string Period = "2025-26-Q2";
    public const string PreviousPeriod = "2025-26-Q1";

    private IPlaywright? playwright;
    private IBrowserContext? browser;

    public string Returns { get; private set; } = "";

    public string Reference { get; private set; } = "";

    public string Out { get; private set; } = "";

    public string ProcessOutput { get; private set; } = "";

    public IBrowserContext Browser => browser ?? throw new InvalidOperationException("The browser is not started.");

    /// <summary>(provider_code, provider_name, area_code) of reference/providers.csv.</summary>
    public IReadOnlyList<(string Code, string Name, string Area)> Providers { get; private set; } = [];

    public IReadOnlyList<string> Areas => [.. Providers.Select(p => p.Area).Distinct()];

    public async Task InitializeAsync()
    {
        (Returns, Reference) = CreateReturns("scorecards");
        Out = RepoPaths.NewTempFolder("scorecards-out");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await ProcessCommand.RunAsync(Returns, Reference, Out, AsOf, developmentSecrets: true, stdout, stderr, CancellationToken.None);
        ProcessOutput = stdout.ToString();
        if (exit != 0)
        {
            throw new InvalidOperationException($"kpi process failed ({exit}): {stderr}");
        }

        Providers = [.. File.ReadAllLines(Path.Combine(Reference, "providers.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(','))
            .Select(f => (f[0], f[1], f[2]))];
        playwright = await Playwright.CreateAsync();
        browser = await Chromium.LaunchAsync(playwright);
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
    }

    /// <summary>Seeded synthetic returns and reference data (upload layout), small enough that the public data suppresses some counts.</summary>
    public static (string Returns, string Reference) CreateReturns(string label)
    {
        var root = RepoPaths.NewTempFolder(label);
        var options = SyntheticOptions.Demo with
        {
            Seed = 7,
            Areas = 2,
            ProvidersPerArea = 2,
            Months = 9,
            FirstMonth = new ReportingMonth(2025, 1),
            PeoplePerProvider = 60,
            InjectedDefects = 1,
        };
        var returns = Path.Combine(root, "returns");
        var reference = Path.Combine(root, "reference");
        new SyntheticReturnsGenerator(options).WriteTo(returns, reference);
        return (returns, reference);
    }

    public string AreaPage(string area, string period = Period) =>
        Path.Combine(Out, "restricted", "scorecards", $"period={period}", $"area={area}.html");

    public string NationalPage(string period = Period) => Path.Combine(Out, "public", "scorecards", $"period={period}", "national.html");

    /// <summary>Every row of one period of a dataset (restricted or public), read back from the Parquet files by DuckDB.</summary>
    public async Task<Dictionary<string, PublishedRow>> RowsAsync(string dataset, string period)
    {
        var glob = DuckDb.Literal(Path.Combine(Out, dataset, "kpi_results") + "/*/*.parquet");
        var result = await DuckDb.QueryAsync(
            "SELECT level, unit_code, kpi_id, dimension, dimension_value, numerator, denominator, value, target, rag, rag_basis, status, suppressed " +
            $"FROM read_parquet({glob}, hive_partitioning = true) WHERE period = {DuckDb.Literal(period)}");
        return result.Rows.Select(PublishedRow.From).ToDictionary(r => r.Key, StringComparer.Ordinal);
    }

    /// <summary>kpi_id → definition, from kpi_catalogue.parquet.</summary>
    public async Task<Dictionary<string, string>> DefinitionsAsync()
    {
        var result = await DuckDb.QueryAsync($"SELECT kpi_id, definition FROM read_parquet({DuckDb.Literal(Path.Combine(Out, "kpi_catalogue.parquet"))})");
        return result.Rows.ToDictionary(r => r.GetProperty("kpi_id").GetString()!, r => r.GetProperty("definition").GetString()!, StringComparer.Ordinal);
    }

    public static string ScreenshotFolder
    {
        get
        {
            var folder = Path.Combine(RepoPaths.ScratchRoot, "scorecard-screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }
}

/// <summary>One kpi_results row as DuckDB returned it.</summary>
public sealed record PublishedRow(
    string Level, string Unit, string KpiId, string Dimension, string DimensionValue, long? Numerator, long? Denominator, double? Value,
    double? Target, string Rag, string RagBasis, string Status, bool Suppressed)
{
    public string Key => KeyOf(Level, Unit, KpiId, Dimension, DimensionValue);

    public static string KeyOf(string level, string unit, string kpiId, string dimension = "all", string dimensionValue = "ALL") =>
        $"{level}|{unit}|{kpiId}|{dimension}|{dimensionValue}";

    public static PublishedRow From(JsonElement row) => new(
        row.GetProperty("level").GetString()!,
        row.GetProperty("unit_code").GetString()!,
        row.GetProperty("kpi_id").GetString()!,
        row.GetProperty("dimension").GetString()!,
        row.GetProperty("dimension_value").GetString()!,
        Long(row.GetProperty("numerator")),
        Long(row.GetProperty("denominator")),
        Double(row.GetProperty("value")),
        Double(row.GetProperty("target")),
        row.GetProperty("rag").GetString()!,
        row.GetProperty("rag_basis").GetString()!,
        row.GetProperty("status").GetString()!,
        row.GetProperty("suppressed").GetBoolean());

    private static long? Long(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => long.Parse(e.GetString()!, CultureInfo.InvariantCulture),
        _ => e.GetInt64(),
    };

    private static double? Double(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();
}

[CollectionDefinition(Name)]
public sealed class ScorecardRunCollection : ICollectionFixture<ScorecardRun>
{
    public const string Name = "scorecard run";
}
