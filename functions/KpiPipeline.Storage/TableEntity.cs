namespace KpiPipeline.Storage;

/// <summary>
/// A table entity: PartitionKey, RowKey and typed properties. Property values may be string, int, long, double, bool,
/// DateTimeOffset (or UTC DateTime), Guid or byte[]; they come back as the same types (DateTime as DateTimeOffset in UTC).
/// Null values are not stored. <see cref="ETag"/> and <see cref="Timestamp"/> are set by reads.
/// </summary>
public sealed class TableEntity
{
    public TableEntity(string partitionKey, string rowKey)
    {
        StorageNames.ValidateEntityKey(partitionKey, nameof(PartitionKey));
        StorageNames.ValidateEntityKey(rowKey, nameof(RowKey));
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey { get; }

    public string RowKey { get; }

    /// <summary>The entity's version when read; pass it to <see cref="StorageTable.ReplaceAsync"/> for an optimistic update.</summary>
    public string? ETag { get; init; }

    /// <summary>The service's last-modified time when read.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    public IDictionary<string, object> Properties { get; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>Gets (null when absent) or sets a property.</summary>
    public object? this[string name]
    {
        get => Properties.TryGetValue(name, out var value) ? value : null;
        set
        {
            if (value is null)
            {
                Properties.Remove(name);
            }
            else
            {
                Properties[name] = value;
            }
        }
    }
}

/// <summary>Where a table query continues: the NextPartitionKey / NextRowKey the service returned.</summary>
public sealed record TableContinuation(string NextPartitionKey, string? NextRowKey);

/// <summary>One page of a table query and where the next page starts (null on the last page).</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, TableContinuation? Continuation);

/// <summary>Helpers to write OData <c>$filter</c> expressions safely.</summary>
public static class TableFilter
{
    /// <summary>A string literal: quoted, with embedded quotes doubled.</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary><c>PartitionKey eq '...'</c>.</summary>
    public static string PartitionKeyEquals(string partitionKey) => "PartitionKey eq " + Literal(partitionKey);
}
