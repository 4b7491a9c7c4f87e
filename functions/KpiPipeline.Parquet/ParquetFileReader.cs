using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using KpiPipeline.Parquet.Format;

namespace KpiPipeline.Parquet;

/// <summary>
/// Reads flat Parquet files of the kind <see cref="ParquetFileWriter"/> writes (INT32, INT64, DOUBLE, BOOLEAN,
/// UTF-8 BYTE_ARRAY and DATE columns; PLAIN and dictionary encodings; v1 data pages; UNCOMPRESSED, SNAPPY and GZIP).
/// Meant for round-trip tests and checks, so it favours clarity over speed and loads the whole file in memory.
/// </summary>
public static class ParquetFileReader
{
    private static readonly int UnixEpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    public static ParquetFileContents Read(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var copy = new MemoryStream();
        input.CopyTo(copy);
        var file = copy.GetBuffer().AsSpan(0, (int)copy.Length);
        if (file.Length < 12 || !file[..4].SequenceEqual("PAR1"u8) || !file[^4..].SequenceEqual("PAR1"u8))
        {
            throw new InvalidDataException("Not a Parquet file: the PAR1 magic is missing.");
        }

        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(file[^8..^4]);
        var footer = new ThriftCompactReader(file.Slice(file.Length - 8 - footerLength, footerLength)).ReadStruct();
        var columns = ReadSchema(footer);
        var values = columns.Select(_ => new List<object?>()).ToArray();
        var rowGroups = footer.List(4);
        foreach (ThriftStruct rowGroup in rowGroups)
        {
            var chunks = rowGroup.List(1);
            for (var c = 0; c < columns.Count; c++)
            {
                ReadColumnChunk(file, ((ThriftStruct)chunks[c]).Struct(3), columns[c], values[c]);
            }
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ThriftStruct pair in footer.List(5))
        {
            metadata[pair.String(1)] = pair.OptionalString(2) ?? string.Empty;
        }

        return new ParquetFileContents(
            columns, [.. values.Select(v => v.ToArray())], rowGroups.Count, metadata, footer.Int(3));
    }

    private static List<ParquetColumn> ReadSchema(ThriftStruct footer)
    {
        var schema = footer.List(2);
        var columns = new List<ParquetColumn>();
        foreach (ThriftStruct element in schema.Skip(1))
        {
            if (element.OptionalInt(5) is > 0)
            {
                throw new InvalidDataException("Nested Parquet schemas are not supported.");
            }

            var logical = element.OptionalStruct(10);
            var converted = element.OptionalInt(6);
            var type = element.Int(1) switch
            {
                FormatCodes.TypeInt32 when logical?.Has(FormatCodes.LogicalDate) == true || converted == FormatCodes.ConvertedDate => ParquetType.Date,
                FormatCodes.TypeInt32 => ParquetType.Int32,
                FormatCodes.TypeInt64 => ParquetType.Int64,
                FormatCodes.TypeDouble => ParquetType.Double,
                FormatCodes.TypeBoolean => ParquetType.Boolean,
                FormatCodes.TypeByteArray => ParquetType.String,
                var other => throw new InvalidDataException($"Unsupported Parquet physical type {other}."),
            };
            columns.Add(new ParquetColumn(element.String(4), type, element.OptionalInt(3) == FormatCodes.Optional));
        }

        return columns;
    }

    private static void ReadColumnChunk(ReadOnlySpan<byte> file, ThriftStruct meta, ParquetColumn column, List<object?> output)
    {
        var codec = (int)meta.Int(4);
        var start = meta.OptionalInt(11) ?? meta.Int(9);
        var end = start + meta.Int(7);
        var remaining = meta.Int(5);
        object?[] dictionary = [];
        var position = (int)start;
        while (position < end && remaining > 0)
        {
            var headerReader = new ThriftCompactReader(file[position..]);
            var header = headerReader.ReadStruct();
            position += headerReader.Position;
            var compressedSize = (int)header.Int(3);
            var page = Decompress(file.Slice(position, compressedSize), codec, (int)header.Int(2));
            position += compressedSize;
            switch (header.Int(1))
            {
                case FormatCodes.PageDictionary:
                    var entries = (int)header.Struct(7).Int(1);
                    dictionary = new object?[entries];
                    DecodePlain(page, column.Type, dictionary);
                    break;
                case FormatCodes.PageData:
                    remaining -= ReadDataPage(page, header.Struct(5), column, dictionary, output);
                    break;
                default:
                    throw new InvalidDataException($"Unsupported page type {header.Int(1)} in column '{column.Name}'.");
            }
        }
    }

    private static int ReadDataPage(ReadOnlySpan<byte> page, ThriftStruct header, ParquetColumn column, object?[] dictionary, List<object?> output)
    {
        var rowCount = (int)header.Int(1);
        var encoding = (int)header.Int(2);
        var defined = new int[rowCount];
        if (column.Nullable)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(page);
            RleBitPackedHybrid.Decode(page.Slice(4, length), 1, defined);
            page = page[(4 + length)..];
        }
        else
        {
            defined.AsSpan().Fill(1);
        }

        var values = new object?[defined.Count(d => d == 1)];
        if (encoding is FormatCodes.EncodingRleDictionary or FormatCodes.EncodingPlainDictionary)
        {
            var indices = new int[values.Length];
            if (indices.Length > 0)
            {
                RleBitPackedHybrid.Decode(page[1..], page[0], indices);
            }

            for (var i = 0; i < indices.Length; i++)
            {
                values[i] = dictionary[indices[i]];
            }
        }
        else if (encoding == FormatCodes.EncodingPlain)
        {
            DecodePlain(page, column.Type, values);
        }
        else
        {
            throw new InvalidDataException($"Unsupported encoding {encoding} in column '{column.Name}'.");
        }

        var next = 0;
        foreach (var flag in defined)
        {
            output.Add(flag == 1 ? values[next++] : null);
        }

        return rowCount;
    }

    private static void DecodePlain(ReadOnlySpan<byte> data, ParquetType type, object?[] values)
    {
        var position = 0;
        for (var i = 0; i < values.Length; i++)
        {
            switch (type)
            {
                case ParquetType.Int32:
                    values[i] = BinaryPrimitives.ReadInt32LittleEndian(data[position..]);
                    position += 4;
                    break;
                case ParquetType.Date:
                    values[i] = DateOnly.FromDayNumber(UnixEpochDayNumber + BinaryPrimitives.ReadInt32LittleEndian(data[position..]));
                    position += 4;
                    break;
                case ParquetType.Int64:
                    values[i] = BinaryPrimitives.ReadInt64LittleEndian(data[position..]);
                    position += 8;
                    break;
                case ParquetType.Double:
                    values[i] = BinaryPrimitives.ReadDoubleLittleEndian(data[position..]);
                    position += 8;
                    break;
                case ParquetType.Boolean:
                    values[i] = (data[i >> 3] & (1 << (i & 7))) != 0;
                    break;
                case ParquetType.String:
                    var length = BinaryPrimitives.ReadInt32LittleEndian(data[position..]);
                    values[i] = Encoding.UTF8.GetString(data.Slice(position + 4, length));
                    position += 4 + length;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported column type {type}.");
            }
        }
    }

    private static ReadOnlySpan<byte> Decompress(ReadOnlySpan<byte> body, int codec, int uncompressedSize)
    {
        switch (codec)
        {
            case FormatCodes.CodecUncompressed:
                return body;
            case FormatCodes.CodecSnappy:
                return IronSnappy.Snappy.Decode(body);
            case FormatCodes.CodecGzip:
                var result = new byte[uncompressedSize];
                using (var gzip = new GZipStream(new MemoryStream(body.ToArray()), CompressionMode.Decompress))
                {
                    gzip.ReadExactly(result);
                }

                return result;
            default:
                throw new InvalidDataException($"Unsupported compression codec {codec}.");
        }
    }
}
