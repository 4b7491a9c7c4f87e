namespace KpiPipeline.Parquet.Format;

/// <summary>Where one column chunk landed in the file and what it holds.</summary>
internal sealed record ColumnChunkInfo(
    long DataPageOffset,
    long? DictionaryPageOffset,
    long ValueCount,
    long UncompressedSize,
    long CompressedSize,
    bool UsesDictionary,
    ColumnStatistics Statistics);

internal sealed record RowGroupInfo(IReadOnlyList<ColumnChunkInfo> Columns, long RowCount, long FileOffset)
{
    public long UncompressedSize => Columns.Sum(c => c.UncompressedSize);

    public long CompressedSize => Columns.Sum(c => c.CompressedSize);
}

/// <summary>Serialises Parquet page headers and the FileMetaData footer (parquet.thrift, compact protocol).</summary>
internal static class FileMetadataWriter
{
    public static void WriteDataPageHeader(ByteBuffer output, int uncompressedSize, int compressedSize, int valueCount, bool dictionaryIndices)
    {
        var thrift = new ThriftCompactWriter(output);
        thrift.BeginStruct();
        thrift.FieldI32(1, FormatCodes.PageData);
        thrift.FieldI32(2, uncompressedSize);
        thrift.FieldI32(3, compressedSize);
        thrift.FieldStruct(5);
        thrift.FieldI32(1, valueCount);
        thrift.FieldI32(2, dictionaryIndices ? FormatCodes.EncodingRleDictionary : FormatCodes.EncodingPlain);
        thrift.FieldI32(3, FormatCodes.EncodingRle);
        thrift.FieldI32(4, FormatCodes.EncodingRle);
        thrift.EndStruct();
        thrift.EndStruct();
    }

    public static void WriteDictionaryPageHeader(ByteBuffer output, int uncompressedSize, int compressedSize, int entryCount)
    {
        var thrift = new ThriftCompactWriter(output);
        thrift.BeginStruct();
        thrift.FieldI32(1, FormatCodes.PageDictionary);
        thrift.FieldI32(2, uncompressedSize);
        thrift.FieldI32(3, compressedSize);
        thrift.FieldStruct(7);
        thrift.FieldI32(1, entryCount);
        thrift.FieldI32(2, FormatCodes.EncodingPlain);
        thrift.EndStruct();
        thrift.EndStruct();
    }

    public static void WriteFileMetaData(
        ByteBuffer output,
        IReadOnlyList<ParquetColumn> columns,
        IReadOnlyList<RowGroupInfo> rowGroups,
        ParquetWriterOptions options)
    {
        var thrift = new ThriftCompactWriter(output);
        thrift.BeginStruct();
        thrift.FieldI32(1, 1);
        WriteSchema(thrift, columns);
        thrift.FieldI64(3, rowGroups.Sum(g => g.RowCount));
        thrift.FieldList(4, ThriftCompactWriter.TypeStruct, rowGroups.Count);
        for (var i = 0; i < rowGroups.Count; i++)
        {
            WriteRowGroup(thrift, columns, rowGroups[i], (short)Math.Min(i, short.MaxValue), FormatCodes.Codec(options.Compression));
        }

        if (options.KeyValueMetadata.Count > 0)
        {
            thrift.FieldList(5, ThriftCompactWriter.TypeStruct, options.KeyValueMetadata.Count);
            foreach (var (key, value) in options.KeyValueMetadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                thrift.BeginStruct();
                thrift.FieldString(1, key);
                thrift.FieldString(2, value);
                thrift.EndStruct();
            }
        }

        thrift.FieldString(6, options.CreatedBy);

        // Column orders: TYPE_ORDER for every column, so readers trust min_value/max_value.
        thrift.FieldList(7, ThriftCompactWriter.TypeStruct, columns.Count);
        foreach (var _ in columns)
        {
            thrift.BeginStruct();
            thrift.FieldEmptyStruct(1);
            thrift.EndStruct();
        }

        thrift.EndStruct();
    }

    private static void WriteSchema(ThriftCompactWriter thrift, IReadOnlyList<ParquetColumn> columns)
    {
        thrift.FieldList(2, ThriftCompactWriter.TypeStruct, columns.Count + 1);
        thrift.BeginStruct();
        thrift.FieldString(4, "schema");
        thrift.FieldI32(5, columns.Count);
        thrift.EndStruct();
        foreach (var column in columns)
        {
            thrift.BeginStruct();
            thrift.FieldI32(1, FormatCodes.PhysicalType(column.Type));
            thrift.FieldI32(3, column.Nullable ? FormatCodes.Optional : FormatCodes.Required);
            thrift.FieldString(4, column.Name);
            if (column.Type is ParquetType.String or ParquetType.Date)
            {
                var isString = column.Type == ParquetType.String;
                thrift.FieldI32(6, isString ? FormatCodes.ConvertedUtf8 : FormatCodes.ConvertedDate);
                thrift.FieldStruct(10);
                thrift.FieldEmptyStruct(isString ? FormatCodes.LogicalString : FormatCodes.LogicalDate);
                thrift.EndStruct();
            }

            thrift.EndStruct();
        }
    }

    private static void WriteRowGroup(ThriftCompactWriter thrift, IReadOnlyList<ParquetColumn> columns, RowGroupInfo rowGroup, short ordinal, int codec)
    {
        thrift.BeginStruct();
        thrift.FieldList(1, ThriftCompactWriter.TypeStruct, rowGroup.Columns.Count);
        for (var c = 0; c < rowGroup.Columns.Count; c++)
        {
            var chunk = rowGroup.Columns[c];
            var column = columns[c];
            thrift.BeginStruct();
            thrift.FieldI64(2, 0);
            thrift.FieldStruct(3);
            thrift.FieldI32(1, FormatCodes.PhysicalType(column.Type));
            int[] encodings = chunk.UsesDictionary
                ? [FormatCodes.EncodingPlain, FormatCodes.EncodingRle, FormatCodes.EncodingRleDictionary]
                : [FormatCodes.EncodingPlain, FormatCodes.EncodingRle];
            thrift.FieldList(2, ThriftCompactWriter.TypeI32, encodings.Length);
            foreach (var encoding in encodings)
            {
                thrift.I32(encoding);
            }

            thrift.FieldList(3, ThriftCompactWriter.TypeBinary, 1);
            thrift.String(column.Name);
            thrift.FieldI32(4, codec);
            thrift.FieldI64(5, chunk.ValueCount);
            thrift.FieldI64(6, chunk.UncompressedSize);
            thrift.FieldI64(7, chunk.CompressedSize);
            thrift.FieldI64(9, chunk.DataPageOffset);
            if (chunk.DictionaryPageOffset is { } dictionaryOffset)
            {
                thrift.FieldI64(11, dictionaryOffset);
            }

            WriteStatistics(thrift, chunk.Statistics);
            thrift.EndStruct();
            thrift.EndStruct();
        }

        thrift.FieldI64(2, rowGroup.UncompressedSize);
        thrift.FieldI64(3, rowGroup.RowCount);
        thrift.FieldI64(5, rowGroup.FileOffset);
        thrift.FieldI64(6, rowGroup.CompressedSize);
        thrift.FieldI16(7, ordinal);
        thrift.EndStruct();
    }

    private static void WriteStatistics(ThriftCompactWriter thrift, ColumnStatistics statistics)
    {
        thrift.FieldStruct(12);
        thrift.FieldI64(3, statistics.NullCount);
        if (statistics.Max is { } max && statistics.Min is { } min)
        {
            thrift.FieldBinary(5, max);
            thrift.FieldBinary(6, min);
            thrift.FieldBool(7, true);
            thrift.FieldBool(8, true);
        }

        if (statistics.NanCount is { } nanCount)
        {
            thrift.FieldI64(9, nanCount);
        }

        thrift.EndStruct();
    }
}
