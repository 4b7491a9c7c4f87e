using System.Reflection;
using System.Text.RegularExpressions;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Testing;

namespace KpiPipeline.Deployment.Tests;

/// <summary>
/// The commissioners' and analysts' read conditions in infra/modules/access.bicep let them read and list every file
/// <see cref="KpiPublisher"/> publishes at the root of the published container, since Bicep (and Azure's attribute-based
/// conditions) cannot be run here: a root file the conditions leave out is a 403 for every reader in Azure.
/// </summary>
public sealed partial class PublishedReaderAccessTests
{
    private static readonly string AccessBicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "modules", "access.bicep"));

    /// <summary>Every <c>public const string …File</c> of <see cref="KpiPublisher"/>: the files it writes at the container's root.</summary>
    public static TheoryData<string> RootFiles()
    {
        var files = typeof(KpiPublisher).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith("File", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Contains(KpiPublisher.AreasFile, files);
        return [.. files];
    }

    [Theory]
    [MemberData(nameof(RootFiles))]
    public void Commissioners_and_analysts_may_read_and_list_every_file_published_at_the_root(string file)
    {
        var readVariable = Assert.Single(BicepVariable().Matches(AccessBicep), m => m.Groups["value"].Value == file).Groups["name"].Value;
        var rootReads = BicepVariableValue("rootFilesRead");
        var listPrefix = BicepVariableValue("rootFilesListPrefix");

        Assert.Contains($"StringEquals \\'${{{readVariable}}}\\'", rootReads, StringComparison.Ordinal);
        Assert.StartsWith(listPrefix, file, StringComparison.Ordinal);
        foreach (var condition in new[] { "restrictedReadCondition", "publicReadCondition" })
        {
            var text = BicepVariableValue(condition);
            Assert.Contains("${rootFilesRead}", text, StringComparison.Ordinal);
            Assert.Contains("StringStartsWith \\'${rootFilesListPrefix}\\'", text, StringComparison.Ordinal);
        }
    }

    private static string BicepVariableValue(string name) =>
        Assert.Single(BicepVariable().Matches(AccessBicep), m => m.Groups["name"].Value == name).Groups["value"].Value;

    [GeneratedRegex(@"^var (?<name>\w+) = '(?<value>.*)'$", RegexOptions.Multiline)]
    private static partial Regex BicepVariable();
}
