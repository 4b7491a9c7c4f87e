using KpiPipeline.Core.Reference;
using KpiPipeline.Synthetic.Model;

namespace KpiPipeline.Synthetic.Output;

/// <summary>The commissioners' reference data for a synthetic world, and its three CSV files.</summary>
public static class ReferenceFiles
{
    /// <summary>Opiate clients as a share of a provider's caseload in the steady state (measured on the model).</summary>
    public const double OpiateShareOfCaseload = 0.62;

    /// <summary>Distinct opiate clients in treatment over a year per opiate client in treatment on a day.</summary>
    public const double YearlyClientsPerCaseload = 1.35;

    public static ReferenceData Build(SyntheticWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var providers = world.Providers.Select(p => new ProviderInfo(p.ProviderCode, p.ProviderName, p.Area.AreaCode)).ToList();
        var areas = world.Areas.Select(a =>
        {
            var opiateClients = world.ProvidersOf(a).Sum(p => p.Caseload) * OpiateShareOfCaseload * YearlyClientsPerCaseload;
            var estimate = (long)Math.Round(opiateClients / (1 - a.UnmetNeed));
            return new AreaInfo(
                a.AreaCode,
                a.AreaName,
                a.Nation,
                a.PublishesOpiateEstimate ? estimate : null,
                a.PublishesPwidEstimate ? (long)Math.Round(estimate * Calibration.PwidShareOfOpiateUsers) : null);
        }).ToList();

        var targets = new List<TargetOverride>
        {
            new("*", "RET01_retained_12_weeks", 75m, 5m),
            new(world.Areas[0].AreaCode, "DOS01_methadone_optimal_dose", 65m, 5m),
        };
        var scottish = world.Areas.FirstOrDefault(a => a.Nation == Core.Dataset.Nation.SCOTLAND) ?? world.Areas[^1];
        targets.Add(new(scottish.AreaCode, "ACC01_waited_3_weeks_or_less", 90m, 5m));
        targets.Add(new(world.Areas[^1].AreaCode, "EXT01_successful_completions", 15m, 3m));
        return new ReferenceData(providers, areas, targets);
    }

    public static void WriteProviders(ReferenceData reference, TextWriter writer, bool crLf)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var csv = new CsvRowWriter(writer, crLf);
        csv.Header(ReturnHeaders.Providers);
        foreach (var p in reference.Providers)
        {
            csv.Text(p.ProviderCode);
            csv.Text(p.ProviderName);
            csv.Text(p.AreaCode);
            csv.EndRow();
        }
    }

    public static void WriteAreas(ReferenceData reference, TextWriter writer, bool crLf)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var csv = new CsvRowWriter(writer, crLf);
        csv.Header(ReturnHeaders.Areas);
        foreach (var a in reference.Areas)
        {
            csv.Text(a.AreaCode);
            csv.Text(a.AreaName);
            csv.Text(a.Nation.ToString());
            csv.Int(a.EstimatedOpiateUsers);
            csv.Int(a.EstimatedPwid);
            csv.EndRow();
        }
    }

    public static void WriteTargets(ReferenceData reference, TextWriter writer, bool crLf)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var csv = new CsvRowWriter(writer, crLf);
        csv.Header(ReturnHeaders.Targets);
        foreach (var t in reference.Targets)
        {
            csv.Text(t.AreaCode);
            csv.Text(t.KpiId);
            csv.Text(t.Target.ToString(System.Globalization.CultureInfo.InvariantCulture));
            csv.Text(t.AmberMargin?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            csv.EndRow();
        }
    }
}
