using System.Text.RegularExpressions;

namespace KpiPipeline.Storage;

/// <summary>The naming rules of containers, queues, tables and blobs, checked before a name goes into a URL.</summary>
internal static partial class StorageNames
{
    public static void ValidateContainerOrQueue(string name, string kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!ContainerOrQueueName().IsMatch(name) || name.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid {kind} name: use 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.",
                nameof(name));
        }
    }

    public static void ValidateTable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!TableName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid table name: use 3-63 letters and digits, starting with a letter.", nameof(name));
        }
    }

    public static void ValidateBlob(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > 1024 || name.Split('/').Any(part => part is "." or ".."))
        {
            throw new ArgumentException($"'{name}' is not a valid blob name: at most 1024 characters, no '.' or '..' path parts.", nameof(name));
        }
    }

    /// <summary>PartitionKey and RowKey may not hold '/', '\', '#', '?' or control characters.</summary>
    public static void ValidateEntityKey(string value, string keyName)
    {
        ArgumentNullException.ThrowIfNull(value, keyName);
        if (value.Length > 1024 || value.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            throw new ArgumentException($"{keyName} may not contain '/', '\\', '#', '?' or control characters, or exceed 1024 characters.", keyName);
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerOrQueueName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();
}
