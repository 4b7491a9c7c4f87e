using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Testing;
using Microsoft.FSharp.Core;

namespace KpiPipeline.Parquet.Tests;

/// <summary>For random tables, what the writer writes DuckDB, hyparquet and the project's reader read back unchanged.</summary>
public class ParquetRoundTripPropertyTests
{
    private const int Cases = 20;

    private static readonly string[] StringPool = ["", "a", "ALCOHOL", "OPIATE", "héllo", "日本", "😀", "Z", "\uFF5E"];

    [Fact]
    public async Task Random_tables_round_trip_through_the_writer_unchanged()
    {
        var folder = RepoPaths.NewTempFolder("parquet-property");
        var written = new List<(TestCase Case, string Path)>();
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(Cases)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20250401UL, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));

        Check.One(config, Prop.ForAll(Arb.From(TestCases()), testCase =>
        {
            var index = written.Count;
            var table = testCase.Table(index);
            var path = table.WriteTo(Path.Combine(folder, $"case-{index}.parquet"), testCase.Options);
            using (var read = File.OpenRead(path))
            {
                table.AssertEqualTo(ParquetFileReader.Read(read));
            }

            written.Add((testCase, path));
        }));

        Assert.Equal(Cases, written.Count);

        // One DuckDB process for every file: columns are named per file, so UNION ALL BY NAME keeps each file's types.
        var sql = string.Join(
            " UNION ALL BY NAME ",
            written.Select((w, i) => $"SELECT {i} AS case_index, * FROM read_parquet({DuckDb.Literal(w.Path)}, file_row_number = true)"));
        var result = await DuckDb.QueryAsync(sql + " ORDER BY case_index, file_row_number");
        var hyparquet = await Hyparquet.ReadAsync([.. written.Select(w => w.Path)]);
        for (var i = 0; i < written.Count; i++)
        {
            var table = written[i].Case.Table(i);
            var rows = result.Rows.Where(r => r.GetProperty("case_index").GetInt32() == i).ToList();
            Assert.Equal(table.Rows.Count, rows.Count);
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var column = table.Columns[c];
                Assert.Equal(TestTable.DuckDbTypes[column.Type], result.Types[result.Columns.ToList().IndexOf(column.Name)]);
                for (var r = 0; r < rows.Count; r++)
                {
                    TestTable.AssertSameValue(table.Rows[r][c], TestTable.FromJson(column.Type, rows[r].GetProperty(column.Name)), $"case {i} ({written[i].Case}) DuckDB row {r} column {column.Name}");
                }
            }

            table.AssertEqualTo(hyparquet[i]);
        }
    }

    private static Gen<TestCase> TestCases() =>
        from columns in Gen.Choose(1, 5).SelectMany(n => Gen.ListOf(Gen.Zip(Gen.Elements(Enum.GetValues<ParquetType>()), Gen.Elements(true, false)), n))
        from rowCount in Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 60)), (1, Gen.Choose(200, 3000)))
        from rows in Gen.ListOf(Row(columns), rowCount)
        from rowGroupSize in Gen.Frequency((3, Gen.Choose(1, 25)), (1, Gen.Constant(100_000)))
        from compression in Gen.Elements(Enum.GetValues<ParquetCompression>())
        from useDictionary in Gen.Elements(true, false)
        select new TestCase(
            [.. columns.Select(c => (c.Item1, c.Item2))],
            [.. rows],
            new ParquetWriterOptions { RowGroupSize = rowGroupSize, Compression = compression, UseDictionary = useDictionary });

    private static Gen<object?[]> Row(IReadOnlyList<(ParquetType Type, bool Nullable)> columns)
    {
        var row = Gen.Constant(Array.Empty<object?>());
        foreach (var (type, nullable) in columns)
        {
            var value = nullable ? Gen.Frequency((1, Gen.Constant<object?>(null)), (3, Value(type))) : Value(type);
            row = from values in row from v in value select (object?[])[.. values, v];
        }

        return row;
    }

    private static Gen<object?> Value(ParquetType type) => type switch
    {
        ParquetType.Int32 => Gen.Frequency(
            (1, Gen.Elements(int.MinValue, int.MaxValue, 0, -1)),
            (4, Gen.Choose(-1000, 1000))).Select(v => (object?)v),
        ParquetType.Int64 => Gen.Frequency(
            (1, Gen.Elements(long.MinValue, long.MaxValue, 0L)),
            (4, Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(0, int.MaxValue)).Select(p => ((long)p.Item1 << 31) | (uint)p.Item2))).Select(v => (object?)v),
        ParquetType.Double => Gen.Frequency(
            (1, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, double.MaxValue)),
            (5, Gen.Zip(Gen.Choose(-100_000, 100_000), Gen.Choose(1, 1000)).Select(p => (double)p.Item1 / p.Item2))).Select(v => (object?)v),
        ParquetType.Boolean => Gen.Elements(true, false).Select(v => (object?)v),
        ParquetType.String => Gen.Frequency(
            (3, Gen.Elements(StringPool)),
            (1, Gen.ArrayOf(Gen.Elements('a', 'é', 'ß', '中', ' ', '9')).Select(chars => new string(chars)))).Select(v => (object?)v),
        ParquetType.Date => Gen.Choose(DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber).Select(d => (object?)DateOnly.FromDayNumber(d)),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    internal sealed record TestCase(IReadOnlyList<(ParquetType Type, bool Nullable)> Columns, IReadOnlyList<object?[]> Rows, ParquetWriterOptions Options)
    {
        public TestTable Table(int caseIndex) =>
            new([.. Columns.Select((c, i) => new ParquetColumn($"f{caseIndex}_c{i}", c.Type, c.Nullable))], Rows);

        public override string ToString() =>
            $"{Rows.Count} rows of [{string.Join(", ", Columns.Select(c => c.Type + (c.Nullable ? "?" : "")))}], " +
            $"row groups of {Options.RowGroupSize}, {Options.Compression}, dictionary {Options.UseDictionary}";
    }
}
