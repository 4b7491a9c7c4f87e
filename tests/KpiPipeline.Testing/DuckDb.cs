using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using DuckDB.NET.Data;

namespace KpiPipeline.Testing;

/// <summary>
/// The result of a DuckDB query: column names, DuckDB type names and rows as JSON values. The JSON follows DuckDB's own
/// JSON conventions: 64-bit and larger integers and decimals as decimal strings (JSON numbers lose their precision),
/// dates as <c>YYYY-MM-DD</c>, non-finite doubles as <c>"NaN"</c>/<c>"Infinity"</c>/<c>"-Infinity"</c>, lists as arrays.
/// </summary>
public sealed record DuckDbResult(IReadOnlyList<string> Columns, IReadOnlyList<string> Types, IReadOnlyList<JsonElement> Rows)
{
    public int Count => Rows.Count;

    public JsonElement this[int row, string column] => Rows[row].GetProperty(column);
}

/// <summary>
/// Runs SQL in a real DuckDB inside the test process (DuckDB.NET, an in-memory database per query), so Parquet and CSV
/// files are read back by a reader independent of the project.
/// </summary>
public static class DuckDb
{
    public static Task<DuckDbResult> QueryAsync(string sql, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var types = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetDataTypeName(i).ToUpperInvariant()).ToList();
        var rows = new List<JsonElement>();
        while (reader.Read())
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                for (var i = 0; i < columns.Count; i++)
                {
                    json.WritePropertyName(columns[i]);
                    WriteValue(json, reader.IsDBNull(i) ? null : reader.GetValue(i));
                }

                json.WriteEndObject();
            }

            rows.Add(JsonDocument.Parse(buffer.ToArray()).RootElement.Clone());
        }

        return Task.FromResult(new DuckDbResult(columns, types, rows));
    }

    /// <summary>Quotes a path as a DuckDB string literal.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null or DBNull:
                json.WriteNullValue();
                break;
            case string text:
                json.WriteStringValue(text);
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case long or ulong or BigInteger or decimal:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case double number when !double.IsFinite(number):
                json.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                break;
            case float number when !float.IsFinite(number):
                json.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                break;
            case double or float or int or uint or short or ushort or sbyte or byte:
                json.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                break;
            case DateOnly date:
                json.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case DateTime time:
                json.WriteStringValue(time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'));
                break;
            case IDictionary map:
                json.WriteStartObject();
                foreach (DictionaryEntry entry in map)
                {
                    json.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!);
                    WriteValue(json, entry.Value);
                }

                json.WriteEndObject();
                break;
            case IEnumerable list:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
