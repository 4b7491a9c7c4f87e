using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Rag;

/// <summary>A target with its amber margin.</summary>
public readonly record struct TargetInForce(decimal Target, decimal AmberMargin);

/// <summary>
/// The targets in force (outputs.md section 3): a targets.csv row for an area applies to that area and its providers,
/// a <c>*</c> row to every area, provider, nation and ALL, an area row beats <c>*</c>, and otherwise the catalogue
/// default applies. Only KPIs with a polarity accept a target; other rows are ignored with a warning.
/// </summary>
public sealed class TargetsInForce
{
    public const decimal DefaultAmberMargin = 5m;
    public const string EveryArea = "*";

    private readonly Dictionary<(string Area, string KpiId), TargetInForce> byArea = new();
    private readonly Dictionary<string, TargetInForce> everyArea = new(StringComparer.Ordinal);

    public TargetsInForce(ReferenceData reference, ICollection<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(warnings);
        var areaCodes = new HashSet<string>(reference.Areas.Select(a => a.AreaCode), StringComparer.OrdinalIgnoreCase);
        foreach (var row in reference.Targets)
        {
            var kpi = KpiCatalogue.Find(row.KpiId);
            if (kpi is null)
            {
                warnings.Add($"targets.csv: unknown kpi_id '{row.KpiId}' ignored.");
                continue;
            }

            if (!kpi.AcceptsTarget)
            {
                warnings.Add($"targets.csv: {row.KpiId} has no polarity and takes no target; the row for '{row.AreaCode}' is ignored.");
                continue;
            }

            var target = new TargetInForce(row.Target, row.AmberMargin ?? DefaultAmberMargin);
            if (row.AreaCode.Trim() == EveryArea)
            {
                everyArea[kpi.Id] = target;
            }
            else if (areaCodes.Contains(row.AreaCode))
            {
                byArea[(row.AreaCode.ToUpperInvariant(), kpi.Id)] = target;
            }
            else
            {
                warnings.Add($"targets.csv: area '{row.AreaCode}' is not in areas.csv; its {row.KpiId} target is ignored.");
            }
        }
    }

    /// <summary>
    /// The target in force for a unit: <paramref name="areaCode"/> is the area of a provider or area unit, null for
    /// nation and ALL (which only a <c>*</c> row reaches).
    /// </summary>
    public TargetInForce? For(KpiDefinition kpi, string? areaCode)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        if (areaCode is not null && byArea.TryGetValue((areaCode.ToUpperInvariant(), kpi.Id), out var areaTarget))
        {
            return areaTarget;
        }

        if (everyArea.TryGetValue(kpi.Id, out var starTarget))
        {
            return starTarget;
        }

        return kpi.DefaultTarget is { } target
            ? new TargetInForce(target, kpi.AmberMargin ?? DefaultAmberMargin)
            : null;
    }
}
