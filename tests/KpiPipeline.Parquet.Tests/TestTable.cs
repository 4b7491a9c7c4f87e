using System.Globalization;
using System.Text.Json;
using KpiPipeline.Parquet;
using KpiPipeline.Testing;

namespace KpiPipeline.Parquet.Tests;

/// <summary>A table of expected values (row by row) that tests write with the writer and compare with readers.</summary>
internal sealed record TestTable(IReadOnlyList<ParquetColumn> Columns, IReadOnlyList<object?[]> Rows)
{
    public static readonly IReadOnlyDictionary<ParquetType, string> DuckDbTypes = new Dictionary<ParquetType, string>
    {
        [ParquetType.Int32] = "INTEGER",
        [ParquetType.Int64] = "BIGINT",
        [ParquetType.Double] = "DOUBLE",
        [ParquetType.Boolean] = "BOOLEAN",
        [ParquetType.String] = "VARCHAR",
        [ParquetType.Date] = "DATE",
    };

    public object?[] ColumnValues(int column) => [.. Rows.Select(r => r[column])];

    public string WriteTo(string path, ParquetWriterOptions? options = null)
    {
        using var stream = File.Create(path);
        using var writer = new ParquetFileWriter(stream, Columns, options);
        foreach (var row in Rows)
        {
            for (var c = 0; c < Columns.Count; c++)
            {
                WriteValue(writer, c, Columns[c].Type, row[c]);
            }

            writer.EndRow();
        }

        return path;
    }

    public static void WriteValue(ParquetFileWriter writer, int column, ParquetType type, object? value)
    {
        switch (type)
        {
            case ParquetType.Int32:
                writer.Write(column, (int?)value);
                break;
            case ParquetType.Int64:
                writer.Write(column, (long?)value);
                break;
            case ParquetType.Double:
                writer.Write(column, (double?)value);
                break;
            case ParquetType.Boolean:
                writer.Write(column, (bool?)value);
                break;
            case ParquetType.String:
                writer.Write(column, (string?)value);
                break;
            case ParquetType.Date:
                writer.Write(column, (DateOnly?)value);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    /// <summary>
    /// A value as DuckDB's or hyparquet's JSON shows it, turned back into the writer's .NET type: BIGINT as a decimal
    /// string, non-finite doubles as "NaN"/"Infinity"/"-Infinity", DATE as "YYYY-MM-DD".
    /// </summary>
    public static object? FromJson(ParquetType type, JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return type switch
        {
            ParquetType.Int32 => json.GetInt32(),
            ParquetType.Int64 => json.ValueKind == JsonValueKind.String
                ? long.Parse(json.GetString()!, CultureInfo.InvariantCulture)
                : json.GetInt64(),
            ParquetType.Double => json.ValueKind == JsonValueKind.String
                ? double.Parse(json.GetString()!, CultureInfo.InvariantCulture)
                : json.GetDouble(),
            ParquetType.Boolean => json.GetBoolean(),
            ParquetType.String => json.GetString(),
            ParquetType.Date => DateOnly.ParseExact(json.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
    }

    /// <summary>Reads the file with DuckDB and asserts its schema and every value (nulls included), in order.</summary>
    public async Task AssertDuckDbReadsAsync(string path)
    {
        var result = await DuckDb.QueryAsync($"SELECT * FROM read_parquet({DuckDb.Literal(path)})");
        Assert.Equal(Columns.Select(c => c.Name), result.Columns);
        Assert.Equal(Columns.Select(c => DuckDbTypes[c.Type]), result.Types);
        Assert.Equal(Rows.Count, result.Count);
        for (var r = 0; r < Rows.Count; r++)
        {
            for (var c = 0; c < Columns.Count; c++)
            {
                AssertSameValue(Rows[r][c], FromJson(Columns[c].Type, result[r, Columns[c].Name]), $"DuckDB row {r} column {Columns[c].Name}");
            }
        }
    }

    /// <summary>Asserts that values read back by the project's own reader equal this table.</summary>
    public void AssertEqualTo(ParquetFileContents contents)
    {
        Assert.Equal(Columns, contents.Columns);
        Assert.Equal(Rows.Count, contents.RowCount);
        for (var c = 0; c < Columns.Count; c++)
        {
            Assert.Equal(Rows.Count, contents.ColumnValues[c].Length);
            for (var r = 0; r < Rows.Count; r++)
            {
                AssertSameValue(Rows[r][c], contents.ColumnValues[c][r], $"reader row {r} column {Columns[c].Name}");
            }
        }
    }

    /// <summary>Asserts that hyparquet's rows equal this table.</summary>
    public void AssertEqualTo(HyparquetFile file)
    {
        Assert.Equal(Columns.Select(c => c.Name), file.Columns);
        Assert.Equal(Rows.Count, file.NumRows);
        Assert.Equal(Rows.Count, file.Rows.Count);
        for (var r = 0; r < Rows.Count; r++)
        {
            for (var c = 0; c < Columns.Count; c++)
            {
                AssertSameValue(Rows[r][c], FromJson(Columns[c].Type, file.Rows[r][c]), $"hyparquet row {r} column {Columns[c].Name}");
            }
        }
    }

    public static void AssertSameValue(object? expected, object? actual, string where)
    {
        // double.Equals treats NaN as equal to NaN, which is what a round trip needs.
        if (!Equals(expected, actual))
        {
            Assert.Fail($"{where}: expected {Show(expected)}, got {Show(actual)}");
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        IFormattable f => $"{f.ToString(null, CultureInfo.InvariantCulture)} ({value.GetType().Name})",
        _ => value.ToString() ?? "?",
    };
}
