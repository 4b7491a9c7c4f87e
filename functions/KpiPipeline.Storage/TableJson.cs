using System.Globalization;
using System.Text.Json;

namespace KpiPipeline.Storage;

/// <summary>
/// Entities to and from the Table service's JSON (OData minimal metadata). JSON strings, booleans, Int32 and Double
/// numbers carry their type; Int64, DateTime, Guid and Binary need an <c>@odata.type</c> annotation, and doubles are
/// annotated too so that whole numbers such as 2.0 stay doubles.
/// </summary>
internal static class TableJson
{
    private const string TypeSuffix = "@odata.type";

    public static byte[] Serialize(TableEntity entity)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("PartitionKey", entity.PartitionKey);
            json.WriteString("RowKey", entity.RowKey);
            foreach (var (name, value) in entity.Properties)
            {
                if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"'{name}' is a reserved property name.", nameof(entity));
                }

                WriteProperty(json, name, value);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteProperty(Utf8JsonWriter json, string name, object value)
    {
        switch (value)
        {
            case string text:
                json.WriteString(name, text);
                break;
            case bool flag:
                json.WriteBoolean(name, flag);
                break;
            case int number:
                json.WriteNumber(name, number);
                break;
            case long number:
                json.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
                json.WriteString(name + TypeSuffix, "Edm.Int64");
                break;
            case double number when double.IsFinite(number):
                json.WriteNumber(name, number);
                json.WriteString(name + TypeSuffix, "Edm.Double");
                break;
            case double number:
                json.WriteString(name, double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity");
                json.WriteString(name + TypeSuffix, "Edm.Double");
                break;
            case DateTimeOffset time:
                json.WriteString(name, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                json.WriteString(name + TypeSuffix, "Edm.DateTime");
                break;
            case DateTime time:
                WriteProperty(json, name, new DateTimeOffset(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime()));
                break;
            case Guid guid:
                json.WriteString(name, guid.ToString("D"));
                json.WriteString(name + TypeSuffix, "Edm.Guid");
                break;
            case byte[] bytes:
                json.WriteString(name, Convert.ToBase64String(bytes));
                json.WriteString(name + TypeSuffix, "Edm.Binary");
                break;
            default:
                throw new ArgumentException(
                    $"Property '{name}' has unsupported type {value.GetType().Name}: use string, int, long, double, bool, DateTimeOffset, Guid or byte[].");
        }
    }

    public static TableEntity Deserialize(JsonElement element, string? etag = null)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.EndsWith(TypeSuffix, StringComparison.Ordinal))
            {
                types[property.Name[..^TypeSuffix.Length]] = property.Value.GetString() ?? string.Empty;
            }
            else if (!property.Name.StartsWith("odata.", StringComparison.Ordinal))
            {
                properties[property.Name] = property.Value;
            }
        }

        var entity = new TableEntity(
            properties["PartitionKey"].GetString() ?? string.Empty,
            properties["RowKey"].GetString() ?? string.Empty)
        {
            ETag = etag ?? (element.TryGetProperty("odata.etag", out var tag) ? tag.GetString() : null),
            Timestamp = properties.TryGetValue("Timestamp", out var timestamp) ? ParseTime(timestamp.GetString()) : null,
        };

        foreach (var (name, value) in properties)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            entity.Properties[name] = ReadValue(value, types.GetValueOrDefault(name));
        }

        return entity;
    }

    private static object ReadValue(JsonElement value, string? edmType) => edmType switch
    {
        "Edm.Int64" => long.Parse(value.GetString()!, CultureInfo.InvariantCulture),
        "Edm.Int32" => value.ValueKind == JsonValueKind.String ? int.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetInt32(),
        "Edm.Double" => value.ValueKind == JsonValueKind.String ? ParseSpecialDouble(value.GetString()!) : value.GetDouble(),
        "Edm.DateTime" => ParseTime(value.GetString())!.Value,
        "Edm.Guid" => Guid.Parse(value.GetString()!),
        "Edm.Binary" => Convert.FromBase64String(value.GetString()!),
        "Edm.Boolean" => value.GetBoolean(),
        "Edm.String" => value.GetString()!,
        null => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') < 0 && value.TryGetInt32(out var number) => number,
            JsonValueKind.Number => value.GetDouble(),
            _ => throw new StorageRequestException($"Unexpected JSON {value.ValueKind} in a table entity."),
        },
        _ => throw new StorageRequestException($"Unsupported table property type {edmType}."),
    };

    private static double ParseSpecialDouble(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    private static DateTimeOffset? ParseTime(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
