using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

/// <summary>
/// The rules of one return file (episodes, reviews, nsp or workforce): what every such file's checks share — the upload path it must
/// match, the validation context, and the sink that receives its curated rows.
/// </summary>
internal abstract class ReturnFileRules(
    ColumnSpec[] columns, ReturnPath filePath, ValidationContext context, ICuratedRowSink sink, IssueCollector issues)
    : FileRules(columns, issues)
{
    protected ReturnPath FilePath { get; } = filePath;

    /// <summary>The first day of the reporting month, worked out once per file.</summary>
    protected DateOnly MonthStart { get; } = filePath.Month.FirstDay;

    /// <summary>The last day of the reporting month, worked out once per file.</summary>
    protected DateOnly MonthEnd { get; } = filePath.Month.LastDay;

    protected ValidationContext Context { get; } = context;

    protected ICuratedRowSink Sink { get; } = sink;

    /// <summary>A return's rows are checked under a header that misses a required column but names only its own columns.</summary>
    protected override bool ChecksRowsUnderAPartialHeader => true;
}
