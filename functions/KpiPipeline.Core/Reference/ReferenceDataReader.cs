using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Core.Reference;

/// <summary>The outcome of reading the reference files: the data when every file is clean, and one report per file.</summary>
public sealed record ReferenceDataResult(ReferenceData? Data, IReadOnlyList<ValidationReport> Reports)
{
    public bool Succeeded => Data is not null;
}

/// <summary>
/// Reads reference/providers.csv, areas.csv and the optional targets.csv (dataset.md section 5) with the same CSV
/// reader and report style as returns (rules F03–F10 and REF01–REF13). Any error in any file means no reference data.
/// </summary>
public static class ReferenceDataReader
{
    public const string ProvidersFile = "providers.csv";
    public const string AreasFile = "areas.csv";
    public const string TargetsFile = "targets.csv";

    /// <param name="providers">providers.csv, or null when it does not exist (an error, REF13).</param>
    /// <param name="areas">areas.csv, or null when it does not exist (an error, REF13).</param>
    /// <param name="targets">targets.csv, or null when there is none (allowed).</param>
    /// <param name="knownKpiIds">The KPI catalogue's ids, to check targets.csv kpi_id (REF09); null skips that check.</param>
    public static async Task<ReferenceDataResult> ReadAsync(
        Stream? providers, Stream? areas, Stream? targets, IReadOnlySet<string>? knownKpiIds, CancellationToken cancellationToken)
    {
        var reports = new List<ValidationReport>();
        var areaRules = await ReadFileAsync(AreasFile, areas, issues => new AreasRules(issues), reports, cancellationToken).ConfigureAwait(false);
        var areaCodes = areaRules?.Areas.Select(a => a.AreaCode).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        var providerRules = await ReadFileAsync(ProvidersFile, providers, issues => new ProvidersRules(issues, areaCodes), reports, cancellationToken).ConfigureAwait(false);
        TargetsRules? targetRules = null;
        if (targets is not null)
        {
            targetRules = await ReadFileAsync(TargetsFile, targets, issues => new TargetsRules(issues, areaCodes, knownKpiIds), reports, cancellationToken).ConfigureAwait(false);
        }

        var clean = reports.All(r => r.Accepted) && areaRules is not null && providerRules is not null;
        var data = clean ? new ReferenceData(providerRules!.Providers, areaRules!.Areas, targetRules?.Targets ?? []) : null;
        return new ReferenceDataResult(data, reports);
    }

    /// <summary>Reads the three files from a folder (the offline command's --reference).</summary>
    public static async Task<ReferenceDataResult> ReadFolderAsync(string folder, IReadOnlySet<string>? knownKpiIds, CancellationToken cancellationToken)
    {
        await using var providers = OpenIfExists(Path.Combine(folder, ProvidersFile));
        await using var areas = OpenIfExists(Path.Combine(folder, AreasFile));
        await using var targets = OpenIfExists(Path.Combine(folder, TargetsFile));
        return await ReadAsync(providers, areas, targets, knownKpiIds, cancellationToken).ConfigureAwait(false);
    }

    private static FileStream? OpenIfExists(string path) =>
        File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true) : null;

    private static async Task<T?> ReadFileAsync<T>(
        string name, Stream? content, Func<IssueCollector, T> makeRules, List<ValidationReport> reports, CancellationToken cancellationToken)
        where T : FileRules
    {
        var issues = new IssueCollector();
        var fileName = "reference/" + name;
        if (content is null)
        {
            issues.Add(Rules.REF13, null, null, null, default, $"{fileName} is missing; it is required.");
            reports.Add(issues.ToReport(fileName, null, null, 0, null, null));
            return null;
        }

        var rules = makeRules(issues);
        using var metered = new MeteredReadStream(content);
        var (rows, complete) = await ReturnValidator.ReadAsync(metered, rules, issues, ValidationContext.DefaultMaxFileBytes, cancellationToken).ConfigureAwait(false);
        reports.Add(issues.ToReport(fileName, null, null, rows, complete ? metered.BytesRead : null, complete ? metered.Sha256Hex() : null));
        return rules;
    }

    private sealed class ProvidersRules(IssueCollector issues, IReadOnlySet<string> areaCodes)
        : FileRules([new("provider_code", true), new("provider_name", true), new("area_code", true)], issues)
    {
        private readonly HashSet<string> seen = new(StringComparer.OrdinalIgnoreCase);

        public List<ProviderInfo> Providers { get; } = [];

        protected override void CheckRow()
        {
            var code = new string(this[0]);
            if (!Blank(0, Rules.REF01))
            {
                if (!FieldParsers.IsIdentifier(this[0], 64))
                {
                    Report(Rules.REF01, 0, "provider_code must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -.");
                }
                else if (!seen.Add(code))
                {
                    Report(Rules.REF01, 0, "provider_code appears more than once.");
                }
            }

            Blank(1, Rules.REF02);
            if (!Blank(2, Rules.REF03) && !areaCodes.Contains(new string(this[2])))
            {
                Report(Rules.REF03, 2, "area_code is not an area of reference/areas.csv.");
            }

            Providers.Add(new ProviderInfo(code.ToUpperInvariant(), new string(this[1]), new string(this[2]).ToUpperInvariant()));
        }
    }

    private sealed class AreasRules(IssueCollector issues)
        : FileRules(
            [new("area_code", true), new("area_name", true), new("nation", true), new("estimated_opiate_users", false), new("estimated_pwid", false)],
            issues)
    {
        private readonly HashSet<string> seen = new(StringComparer.OrdinalIgnoreCase);

        public List<AreaInfo> Areas { get; } = [];

        protected override void CheckRow()
        {
            var code = new string(this[0]);
            if (!Blank(0, Rules.REF04))
            {
                if (!FieldParsers.IsIdentifier(this[0], 64))
                {
                    Report(Rules.REF04, 0, "area_code must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -.");
                }
                else if (!seen.Add(code))
                {
                    Report(Rules.REF04, 0, "area_code appears more than once.");
                }
            }

            Blank(1, Rules.REF05);
            Code<Nation>(2, Rules.REF06, out var nation);
            var opiate = Estimate(3);
            var pwid = Estimate(4);
            Areas.Add(new AreaInfo(code.ToUpperInvariant(), new string(this[1]), nation ?? Nation.ENGLAND, opiate, pwid));
        }

        private long? Estimate(int column)
        {
            if (Blank(column, Rules.REF07))
            {
                return null;
            }

            if (!FieldParsers.TryParseLong(this[column], out var value))
            {
                Report(Rules.REF07, column, $"{Columns[column].Name} must be blank or a whole number 0 or more.");
                return null;
            }

            return value;
        }
    }

    private sealed class TargetsRules(IssueCollector issues, IReadOnlySet<string> areaCodes, IReadOnlySet<string>? knownKpiIds)
        : FileRules([new("area_code", true), new("kpi_id", true), new("target", true), new("amber_margin", false)], issues)
    {
        private readonly HashSet<(string, string)> seen = [];

        public List<TargetOverride> Targets { get; } = [];

        protected override void CheckRow()
        {
            var area = new string(this[0]).ToUpperInvariant();
            if (!Blank(0, Rules.REF08) && area != "*" && !areaCodes.Contains(area))
            {
                Report(Rules.REF08, 0, "area_code must be * or an area of reference/areas.csv.");
            }

            var kpi = new string(this[1]);
            if (!Blank(1, Rules.REF09) && knownKpiIds is not null && !knownKpiIds.Contains(kpi))
            {
                Report(Rules.REF09, 1, "kpi_id is not a KPI of the catalogue.");
            }

            decimal target = 0;
            if (!Blank(2, Rules.REF10) && !FieldParsers.TryParseDecimal(this[2], out target))
            {
                Report(Rules.REF10, 2, "target must be a number (digits, optional minus sign and decimal point).");
            }

            decimal? margin = null;
            if (!Blank(3, Rules.REF11))
            {
                if (FieldParsers.TryParseUnsignedDecimal(this[3], out var m))
                {
                    margin = m;
                }
                else
                {
                    Report(Rules.REF11, 3, "amber_margin must be blank (meaning 5) or a number 0 or more.");
                }
            }

            if (!seen.Add((area, kpi)))
            {
                Report(Rules.REF12, 1, "This (area_code, kpi_id) pair appears more than once.");
            }

            Targets.Add(new TargetOverride(area, kpi, target, margin));
        }
    }
}
