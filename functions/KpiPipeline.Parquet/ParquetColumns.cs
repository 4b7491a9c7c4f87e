namespace KpiPipeline.Parquet;

/// <summary>
/// Makes the columns of a flat table of <typeparamref name="TRow"/> rows, each with its name, its Parquet type and the
/// value it takes from a row. REQUIRED columns refuse nulls; OPTIONAL ones write them as nulls.
/// Keep one instance per row type, e.g. <c>private static readonly ParquetColumns&lt;KpiResult&gt; Column = new();</c>.
/// </summary>
public sealed class ParquetColumns<TRow>
{
    /// <summary>
    /// REQUIRED BYTE_ARRAY, STRING logical type (UTF-8). Its chunks carry min/max statistics only with
    /// <paramref name="minMax"/>: the writer compares every value twice for them, and they let a reader skip a file only
    /// when the column's values are few or sorted within it (a period label, a status), not when every file holds every
    /// KPI and unit. A REQUIRED column has no nulls to count, so without min/max it has no statistics at all.
    /// </summary>
    public ParquetColumn<TRow, string> Text(string name, Func<TRow, string> value, bool minMax = false) =>
        new RequiredTextColumn<TRow>(name, value, minMax);

    /// <summary>OPTIONAL BYTE_ARRAY, STRING logical type (UTF-8), with statistics (null_count, min/max).</summary>
    public ParquetColumn<TRow, string?> OptionalText(string name, Func<TRow, string?> value) => new OptionalTextColumn<TRow>(name, value);

    /// <summary>REQUIRED INT32, DATE logical type (days since 1970-01-01).</summary>
    public ParquetColumn<TRow, DateOnly> Date(string name, Func<TRow, DateOnly> value) => new RequiredValueColumn<TRow, DateOnly>(name, value);

    /// <summary>OPTIONAL INT32, DATE logical type.</summary>
    public ParquetColumn<TRow, DateOnly?> OptionalDate(string name, Func<TRow, DateOnly?> value) => new OptionalValueColumn<TRow, DateOnly>(name, value);

    /// <summary>OPTIONAL INT32.</summary>
    public ParquetColumn<TRow, int?> OptionalInt32(string name, Func<TRow, int?> value) => new OptionalValueColumn<TRow, int>(name, value);

    /// <summary>REQUIRED INT64.</summary>
    public ParquetColumn<TRow, long> Int64(string name, Func<TRow, long> value) => new RequiredValueColumn<TRow, long>(name, value);

    /// <summary>OPTIONAL BOOLEAN.</summary>
    public ParquetColumn<TRow, bool?> OptionalBoolean(string name, Func<TRow, bool?> value) => new OptionalValueColumn<TRow, bool>(name, value);

    /// <summary>REQUIRED INT32.</summary>
    public ParquetColumn<TRow, int> Int32(string name, Func<TRow, int> value) => new RequiredValueColumn<TRow, int>(name, value);

    /// <summary>OPTIONAL INT64.</summary>
    public ParquetColumn<TRow, long?> OptionalInt64(string name, Func<TRow, long?> value) => new OptionalValueColumn<TRow, long>(name, value);

    /// <summary>OPTIONAL DOUBLE.</summary>
    public ParquetColumn<TRow, double?> OptionalDouble(string name, Func<TRow, double?> value) => new OptionalValueColumn<TRow, double>(name, value);

    /// <summary>REQUIRED BOOLEAN.</summary>
    public ParquetColumn<TRow, bool> Boolean(string name, Func<TRow, bool> value) => new RequiredValueColumn<TRow, bool>(name, value);
}
