using System.Text;

namespace KpiPipeline.Parquet.Tests;

/// <summary>The project's reader, on files the writer wrote (the writer tests check the same files with DuckDB).</summary>
public class ParquetFileReaderTests
{
    [Theory]
    [InlineData(ParquetCompression.Uncompressed, true)]
    [InlineData(ParquetCompression.Snappy, true)]
    [InlineData(ParquetCompression.Gzip, false)]
    public void Reads_back_every_type_row_group_and_metadata_the_writer_wrote(ParquetCompression compression, bool useDictionary)
    {
        var columns = Enum.GetValues<ParquetType>().SelectMany(t => new[] { new ParquetColumn(t + "_r", t, false), new ParquetColumn(t + "_o", t, true) }).ToList();
        var rows = Enumerable.Range(0, 777).Select(i => columns.Select(c => c.Nullable && i % 4 == 3 ? null : ParquetFileWriterTests.SampleValue(c.Type, i)).ToArray()).ToList();
        var table = new TestTable(columns, rows);
        var stream = new MemoryStream();
        var options = new ParquetWriterOptions
        {
            Compression = compression,
            UseDictionary = useDictionary,
            RowGroupSize = 300,
            KeyValueMetadata = new Dictionary<string, string> { ["k"] = "v" },
        };
        using (var writer = new ParquetFileWriter(stream, columns, options))
        {
            foreach (var row in rows)
            {
                for (var c = 0; c < columns.Count; c++)
                {
                    TestTable.WriteValue(writer, c, columns[c].Type, row[c]);
                }

                writer.EndRow();
            }
        }

        stream.Position = 0;
        var contents = ParquetFileReader.Read(stream);

        table.AssertEqualTo(contents);
        Assert.Equal(3, contents.RowGroupCount);
        Assert.Equal("v", contents.KeyValueMetadata["k"]);
    }

    [Fact]
    public void Rejects_a_file_without_the_Parquet_magic()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("this is not a parquet file at all"));

        Assert.Throws<InvalidDataException>(() => ParquetFileReader.Read(stream));
    }
}
