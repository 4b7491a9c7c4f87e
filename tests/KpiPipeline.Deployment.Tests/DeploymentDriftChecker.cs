using System.Text.Json;
using System.Text.RegularExpressions;

namespace KpiPipeline.Deployment.Tests;

public enum DriftKind
{
    SettingMissingInBicep,
    SettingMissingInLocalSettings,
    UnknownOptionSetting,
    FunctionWithoutMethod,
    MethodWithoutFunction,
    ContainerMissingInBicep,
    TableMissingInBicep,
    QueueMissingInBicep,
    EventSubscriptionMissing,
}

/// <summary>One way the deployment no longer matches the code: what kind, which name, and a sentence saying where.</summary>
public sealed record DriftProblem(DriftKind Kind, string Name, string Detail)
{
    public override string ToString() => $"{Kind} {Name}: {Detail}";
}

/// <summary>
/// Finds drift between the code and its deployment, since Bicep cannot be compiled here. Everything is discovered from the
/// texts, nothing is listed by hand:
/// <list type="bullet">
/// <item>settings: option classes (a <c>const string Section</c>) give <c>{Section}__{Property}</c> for string or nullable
/// properties without a default; <c>*ConnectionName</c> constants and functions.metadata <c>connection</c> give storage connections; <c>%Name%</c> in
/// functions.metadata and literal configuration keys in the C# give the rest. Each must be set in the Bicep app settings and listed in
/// local.settings.sample.json; a <c>{Section}__X</c> setting naming no option property is reported too.</item>
/// <item>routes: every function folder must have a <c>MapPost</c> route of the same name, and every POST route a function.</item>
/// <item>storage: option defaults of <c>*Container</c>, <c>*Table</c>, <c>*Queue</c> properties, <c>*QueueName</c> constants,
/// blob-trigger paths and queue-trigger queues (with their <c>-poison</c> queues) must appear in main.bicep's <c>blobContainers</c>, <c>storageTables</c> and <c>storageQueues</c> arrays.</item>
/// <item>Event Grid: every blob trigger with <c>source: EventGrid</c> needs a subscription delivering to <c>Host.Functions.{Name}</c>
/// (written out, or as <c>Host.Functions.${param}</c> with the name passed as the literal <c>'{Name}'</c>).</item>
/// </list>
/// </summary>
public static partial class DeploymentDriftChecker
{
    public const string BicepContainersVariable = "blobContainers";
    public const string BicepTablesVariable = "storageTables";
    public const string BicepQueuesVariable = "storageQueues";

    /// <summary>Settings the Functions host or the platform provides; the code may read them but no one sets them.</summary>
    private static readonly string[] PlatformPrefixes = ["FUNCTIONS_", "WEBSITE_", "ASPNETCORE_", "DOTNET_", "AZURE_FUNCTIONS_"];

    /// <summary>The connection the Functions host itself needs.</summary>
    private const string HostStorageConnection = "AzureWebJobsStorage";

    public static IReadOnlyList<DriftProblem> Check(DeploymentSources sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var problems = new List<DriftProblem>();
        var csharp = string.Join("\n", sources.CSharp.Values);
        var bicep = string.Join("\n", sources.Bicep.Values);
        var bicepSettings = BicepAppSettings(bicep);
        var localSettings = LocalSettings(sources.LocalSettingsSample);
        var functions = sources.Functions.ToDictionary(f => f.Key, f => JsonDocument.Parse(f.Value).RootElement.Clone(), StringComparer.Ordinal);

        CheckSettings(csharp, functions, bicepSettings, localSettings, problems);
        CheckFunctionMethods(csharp, functions.Keys, problems);
        CheckStorage(csharp, functions, bicep, problems);
        CheckEventSubscriptions(functions, bicep, problems);
        return problems;
    }

    private static void CheckSettings(
        string csharp,
        Dictionary<string, JsonElement> functions,
        HashSet<string> bicep,
        HashSet<string> local,
        List<DriftProblem> problems)
    {
        var options = OptionClasses(csharp);
        var plain = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (section, properties) in options)
        {
            plain.UnionWith(properties.Where(p => !p.HasDefault).Select(p => $"{section}__{p.Name}"));
        }

        foreach (Match read in ConfigurationKeyRead().Matches(csharp))
        {
            var key = read.Groups["key"].Value.Replace(":", "__", StringComparison.Ordinal);
            if (!PlatformPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                plain.Add(key);
            }
        }

        var connections = new SortedSet<string>(StringComparer.Ordinal) { HostStorageConnection };
        connections.UnionWith(Constants(csharp).Where(c => c.Key.EndsWith("ConnectionName", StringComparison.Ordinal)).Select(c => c.Value));
        foreach (var (name, function) in functions)
        {
            foreach (var binding in Bindings(function))
            {
                if (binding.TryGetProperty("connection", out var connection) && connection.GetString() is { Length: > 0 } value)
                {
                    connections.Add(value);
                }

                foreach (var property in binding.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    foreach (Match reference in SettingReference().Matches(property.Value.GetString()!))
                    {
                        plain.Add(reference.Groups[1].Value);
                    }
                }
            }
        }

        plain.ExceptWith(connections);
        plain.RemoveWhere(setting => connections.Any(c => setting.StartsWith(c + "__", StringComparison.Ordinal)));
        foreach (var setting in plain)
        {
            Require(setting, bicep.Contains(setting), local.Contains(setting), problems);
        }

        foreach (var connection in connections)
        {
            Require(connection, HasConnection(bicep, connection), HasConnection(local, connection), problems);
        }

        foreach (var (section, properties) in options)
        {
            var names = properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var (setting, where) in bicep.Select(s => (s, "the Bicep app settings")).Concat(local.Select(s => (s, "local.settings.sample.json"))))
            {
                var prefix = section + "__";
                if (setting.StartsWith(prefix, StringComparison.Ordinal) && !names.Contains(setting[prefix.Length..].Split("__")[0]))
                {
                    problems.Add(new DriftProblem(DriftKind.UnknownOptionSetting, setting, $"{where} set it, but {section} options have no such property"));
                }
            }
        }
    }

    private static void Require(string setting, bool inBicep, bool inLocal, List<DriftProblem> problems)
    {
        if (!inBicep)
        {
            problems.Add(new DriftProblem(DriftKind.SettingMissingInBicep, setting, "the code or functions.metadata reads it, but the Bicep app settings do not set it"));
        }

        if (!inLocal)
        {
            problems.Add(new DriftProblem(DriftKind.SettingMissingInLocalSettings, setting, "the code or functions.metadata reads it, but local.settings.sample.json does not list it"));
        }
    }

    /// <summary>A connection is set as a connection string, or identity-based with its service URIs (or account name).</summary>
    private static bool HasConnection(HashSet<string> settings, string connection) =>
        settings.Contains(connection) ||
        settings.Contains(connection + "__accountName") ||
        (settings.Contains(connection + "__blobServiceUri") && settings.Contains(connection + "__queueServiceUri") &&
         settings.Contains(connection + "__tableServiceUri"));

    /// <summary>functions.metadata (what the host loads) and the <c>[Function]</c> methods of the C# name the same functions.</summary>
    private static void CheckFunctionMethods(string csharp, IEnumerable<string> functionNames, List<DriftProblem> problems)
    {
        var constants = Constants(csharp);
        var routes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match map in FunctionAttribute().Matches(csharp))
        {
            var route = string.Concat(map.Groups["expr"].Value.Split('+').Select(part => Evaluate(part.Trim(), constants)));
            routes.Add(route.TrimStart('/'));
        }

        var functions = functionNames.ToHashSet(StringComparer.Ordinal);
        foreach (var function in functions.Where(f => !routes.Contains(f)).Order(StringComparer.Ordinal))
        {
            problems.Add(new DriftProblem(DriftKind.FunctionWithoutMethod, function, $"functions.metadata lists {function}, but no [Function] method declares it"));
        }

        foreach (var route in routes.Where(r => !functions.Contains(r)))
        {
            problems.Add(new DriftProblem(DriftKind.MethodWithoutFunction, route, $"a [Function(\"{route}\")] method exists, but functions.metadata does not list it"));
        }
    }

    private static string Evaluate(string part, Dictionary<string, string> constants)
    {
        if (part.Length >= 2 && part[0] == '"' && part[^1] == '"')
        {
            return part[1..^1];
        }

        var name = part.Split('.')[^1];
        return constants.TryGetValue(name, out var value) ? value : "{" + part + "}";
    }

    private static void CheckStorage(string csharp, Dictionary<string, JsonElement> functions, string bicep, List<DriftProblem> problems)
    {
        var containers = new SortedSet<string>(StringComparer.Ordinal);
        var tables = new SortedSet<string>(StringComparer.Ordinal);
        var queues = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var property in OptionClasses(csharp).SelectMany(o => o.Properties).Where(p => p.Default is not null))
        {
            var target = property.Name.EndsWith("Container", StringComparison.Ordinal) ? containers
                : property.Name.EndsWith("Table", StringComparison.Ordinal) ? tables
                : property.Name.EndsWith("Queue", StringComparison.Ordinal) ? queues
                : null;
            target?.Add(property.Default!);
        }

        queues.UnionWith(Constants(csharp).Where(c => c.Key.EndsWith("QueueName", StringComparison.Ordinal)).Select(c => c.Value));
        foreach (var binding in functions.Values.SelectMany(Bindings))
        {
            if (binding.GetProperty("type").GetString() == "blobTrigger" && binding.TryGetProperty("path", out var path))
            {
                containers.Add(path.GetString()!.Split('/')[0]);
            }

            if (binding.GetProperty("type").GetString() == "queueTrigger" && binding.TryGetProperty("queueName", out var queueName))
            {
                // The host moves a message that keeps failing to {queue}-poison on the same account.
                queues.Add(queueName.GetString()!);
                queues.Add(queueName.GetString() + "-poison");
            }
        }

        Compare(containers, BicepArray(bicep, BicepContainersVariable), DriftKind.ContainerMissingInBicep, "container", BicepContainersVariable, problems);
        Compare(tables, BicepArray(bicep, BicepTablesVariable), DriftKind.TableMissingInBicep, "table", BicepTablesVariable, problems);
        Compare(queues, BicepArray(bicep, BicepQueuesVariable), DriftKind.QueueMissingInBicep, "queue", BicepQueuesVariable, problems);
    }

    private static void Compare(SortedSet<string> used, HashSet<string> created, DriftKind kind, string what, string variable, List<DriftProblem> problems)
    {
        foreach (var name in used.Where(n => !created.Contains(n)))
        {
            problems.Add(new DriftProblem(kind, name, $"the code uses the {what} '{name}', but main.bicep's '{variable}' does not create it"));
        }
    }

    private static void CheckEventSubscriptions(Dictionary<string, JsonElement> functions, string bicep, List<DriftProblem> problems)
    {
        foreach (var (name, function) in functions.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var eventGridTriggers = Bindings(function).Where(b =>
                b.GetProperty("type").GetString() == "blobTrigger" &&
                b.TryGetProperty("source", out var source) && string.Equals(source.GetString(), "EventGrid", StringComparison.OrdinalIgnoreCase));
            var subscribed = bicep.Contains($"Host.Functions.{name}", StringComparison.Ordinal) ||
                             (bicep.Contains("Host.Functions.${", StringComparison.Ordinal) && bicep.Contains($"'{name}'", StringComparison.Ordinal));
            if (eventGridTriggers.Any() && !subscribed)
            {
                problems.Add(new DriftProblem(DriftKind.EventSubscriptionMissing, name,
                    $"{name} is an Event Grid blob trigger, but no Bicep event subscription delivers to Host.Functions.{name}"));
            }
        }
    }

    private static IEnumerable<JsonElement> Bindings(JsonElement function) =>
        function.TryGetProperty("bindings", out var bindings) ? bindings.EnumerateArray() : [];

    /// <summary>The keys of every <c>appsettings</c> config object in the Bicep (<c>name: 'appsettings'</c> then <c>properties: { KEY: value }</c>).</summary>
    public static HashSet<string> BicepAppSettings(string bicep)
    {
        ArgumentNullException.ThrowIfNull(bicep);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match config in AppSettingsResource().Matches(bicep))
        {
            var start = bicep.IndexOf('{', config.Index + config.Length - 1);
            var depth = 0;
            var lineStart = true;
            for (var i = start; i < bicep.Length; i++)
            {
                var c = bicep[i];
                if (c == '{' || c == '[' || c == '(')
                {
                    depth++;
                }
                else if (c == '}' || c == ']' || c == ')')
                {
                    depth--;
                    if (depth == 0)
                    {
                        break;
                    }
                }
                else if (c == '\n')
                {
                    lineStart = true;
                    continue;
                }

                if (lineStart && depth == 1 && !char.IsWhiteSpace(c))
                {
                    var key = BicepObjectKey().Match(bicep, i);
                    if (key.Success && key.Index == i)
                    {
                        keys.Add(key.Groups["key"].Value);
                    }
                }

                if (!char.IsWhiteSpace(c))
                {
                    lineStart = false;
                }
            }
        }

        return keys;
    }

    /// <summary>The quoted strings of <c>var {name} = [ ... ]</c> in the Bicep.</summary>
    public static HashSet<string> BicepArray(string bicep, string variable)
    {
        ArgumentNullException.ThrowIfNull(bicep);
        var match = Regex.Match(bicep, @"\bvar\s+" + Regex.Escape(variable) + @"\s*=\s*\[(?<items>[^\]]*)\]");
        return match.Success
            ? QuotedString().Matches(match.Groups["items"].Value).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal)
            : [];
    }

    public static HashSet<string> LocalSettings(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
    }

    private sealed record OptionProperty(string Name, bool HasDefault, string? Default);

    /// <summary>Classes with a <c>const string Section</c>: their section name and public settable properties.</summary>
    private static List<(string Section, List<OptionProperty> Properties)> OptionClasses(string csharp)
    {
        var result = new List<(string, List<OptionProperty>)>();
        foreach (Match section in OptionsSection().Matches(csharp))
        {
            var classStart = csharp.LastIndexOf(" class ", section.Index, StringComparison.Ordinal);
            var body = ClassBody(csharp, classStart);
            var properties = SettableProperty().Matches(body)
                .Select(m => new OptionProperty(
                    m.Groups["name"].Value,
                    m.Groups["init"].Success || !MayBeUnset(m.Groups["type"].Value.Trim()),
                    m.Groups["init"].Success && QuotedString().Match(m.Groups["init"].Value) is { Success: true } literal ? literal.Groups[1].Value : null))
                .ToList();
            result.Add((section.Groups[1].Value, properties));
        }

        return result;
    }

    /// <summary>A property without an initializer is unset (so a required setting) when it is a string or nullable; a plain
    /// value type (bool, int, ...) has its default value and is optional.</summary>
    private static bool MayBeUnset(string type) => type.EndsWith('?') || type == "string";

    private static string ClassBody(string csharp, int classStart)
    {
        var open = csharp.IndexOf('{', classStart);
        var depth = 0;
        for (var i = open; i < csharp.Length; i++)
        {
            depth += csharp[i] == '{' ? 1 : csharp[i] == '}' ? -1 : 0;
            if (depth == 0)
            {
                return csharp[open..(i + 1)];
            }
        }

        return csharp[open..];
    }

    private static Dictionary<string, string> Constants(string csharp)
    {
        var constants = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match constant in StringConstant().Matches(csharp))
        {
            constants[constant.Groups["name"].Value] = constant.Groups["literal"].Success ? constant.Groups["literal"].Value : constant.Groups["nameof"].Value;
        }

        return constants;
    }

    [GeneratedRegex(@"const\s+string\s+(?<name>\w+)\s*=\s*(?:""(?<literal>[^""]*)""|nameof\((?:\w+\.)*(?<nameof>\w+)\))\s*;")]
    private static partial Regex StringConstant();

    [GeneratedRegex(@"const\s+string\s+Section\s*=\s*""(\w+)""\s*;")]
    private static partial Regex OptionsSection();

    [GeneratedRegex(@"public\s+(?<type>[\w?<>\[\],. ]+?)\s+(?<name>\w+)\s*\{\s*get;\s*(?:set|init);\s*\}(?:\s*=\s*(?<init>[^;]+);)?")]
    private static partial Regex SettableProperty();

    [GeneratedRegex(@"(?:Configuration\[\s*|GetValue<[^>]+>\(\s*|GetConnectionString\(\s*|GetEnvironmentVariable\(\s*)""(?<key>[^""]+)""")]
    private static partial Regex ConfigurationKeyRead();

    [GeneratedRegex(@"\[Function\(\s*(?<expr>[^)\]]+)\)\]")]
    private static partial Regex FunctionAttribute();

    [GeneratedRegex(@"%(\w+)%")]
    private static partial Regex SettingReference();

    [GeneratedRegex(@"name:\s*'appsettings'\s*(?://[^\n]*)?\s*(?:\w+:[^\n]*\s*)*?properties:\s*\{")]
    private static partial Regex AppSettingsResource();

    [GeneratedRegex(@"(?:'(?<key>[^']+)'|(?<key>[A-Za-z_]\w*))\s*:")]
    private static partial Regex BicepObjectKey();

    [GeneratedRegex(@"['""]([^'""]+)['""]")]
    private static partial Regex QuotedString();
}
