namespace KpiPipeline.Parquet.Format;

/// <summary>Numeric codes of the parquet.thrift enums the writer and reader use.</summary>
internal static class FormatCodes
{
    // Type
    public const int TypeBoolean = 0;
    public const int TypeInt32 = 1;
    public const int TypeInt64 = 2;
    public const int TypeDouble = 5;
    public const int TypeByteArray = 6;

    // ConvertedType
    public const int ConvertedUtf8 = 0;
    public const int ConvertedDate = 6;

    // FieldRepetitionType
    public const int Required = 0;
    public const int Optional = 1;

    // Encoding
    public const int EncodingPlain = 0;
    public const int EncodingPlainDictionary = 2;
    public const int EncodingRle = 3;
    public const int EncodingRleDictionary = 8;

    // CompressionCodec
    public const int CodecUncompressed = 0;
    public const int CodecSnappy = 1;
    public const int CodecGzip = 2;

    // PageType
    public const int PageData = 0;
    public const int PageDictionary = 2;

    // LogicalType union members
    public const short LogicalString = 1;
    public const short LogicalDate = 6;

    public static int PhysicalType(ParquetType type) => type switch
    {
        ParquetType.Int32 or ParquetType.Date => TypeInt32,
        ParquetType.Int64 => TypeInt64,
        ParquetType.Double => TypeDouble,
        ParquetType.Boolean => TypeBoolean,
        ParquetType.String => TypeByteArray,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };

    public static int Codec(ParquetCompression compression) => compression switch
    {
        ParquetCompression.Uncompressed => CodecUncompressed,
        ParquetCompression.Snappy => CodecSnappy,
        ParquetCompression.Gzip => CodecGzip,
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown compression."),
    };
}
