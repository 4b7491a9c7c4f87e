using System.Globalization;
using System.Reflection;
using KpiPipeline.Kpis;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>The footer key/value metadata of every published file (outputs.md section 2).</summary>
public sealed record PublicationMetadata(DateOnly AsOf, int SourceReturnCount)
{
    public static string Generator { get; } =
        "KpiPipeline " + (typeof(PublicationMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?.Split('+')[0] ?? "0.0.0");

    public IReadOnlyDictionary<string, string> ToKeyValues() => new Dictionary<string, string>
    {
        ["schema_version"] = KpiVocabulary.SchemaVersion.ToString(CultureInfo.InvariantCulture),
        ["dataset_version"] = KpiVocabulary.DatasetVersion,
        ["as_of"] = AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["generator"] = Generator,
        ["source_returns"] = SourceReturnCount.ToString(CultureInfo.InvariantCulture),
    };
}
