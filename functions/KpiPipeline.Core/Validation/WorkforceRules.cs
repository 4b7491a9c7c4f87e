using System.Globalization;
using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

/// <summary>workforce.csv (dataset.md section 6, data set version 1.1): K01–K07 and W04.</summary>
internal sealed class WorkforceRules : ReturnFileRules
{
    /// <summary>The largest staff_headcount and staff_fte (K02, K03).</summary>
    public const int MaxStaff = 10_000;

    /// <summary>The most decimal places an FTE may have (K03, K04).</summary>
    public const int FteDecimalPlaces = 2;

    private const int ProviderCode = 0;
    private const int StaffHeadcount = 1;
    private const int StaffFte = 2;
    private const int LongTermLeaveFte = 3;
    private const int StaffOnLongTermLeave = 4;
    private const int StaffUnder2Years = 5;

    private static readonly ColumnSpec[] Spec =
    [
        new("provider_code", true), new("staff_headcount", true), new("staff_fte", true), new("long_term_leave_fte", true),
        new("staff_on_long_term_leave", true), new("staff_under_2_years", true),
    ];

    private long? secondRowLine;

    public WorkforceRules(ReturnPath path, ValidationContext context, ICuratedRowSink sink, IssueCollector issues)
        : base(Spec, path, context, sink, issues)
    {
    }

    protected override void CheckRow()
    {
        if (Row == 2)
        {
            secondRowLine = Line;
        }

        ProviderMatches(ProviderCode, Rules.K01, FilePath.ProviderCode);
        Integer(StaffHeadcount, Rules.K02, 0, MaxStaff, out var headcount);
        var fte = Fte(StaffFte, Rules.K03, max: MaxStaff);
        var leaveFte = Fte(LongTermLeaveFte, Rules.K04, max: null);
        if (leaveFte > fte)
        {
            Report(Rules.K04, LongTermLeaveFte,
                $"long_term_leave_fte cannot be more than staff_fte ({Invariant(fte!.Value)} on this row): staff on long-term leave are part of the staff.");
        }

        var onLeave = PartOfHeadcount(StaffOnLongTermLeave, Rules.K05, headcount);
        var under2Years = PartOfHeadcount(StaffUnder2Years, Rules.K06, headcount);
        if (headcount == 0 && fte > 0)
        {
            Report(Rules.W04, StaffHeadcount, "staff_headcount is 0 but staff_fte is above 0: one of them is probably wrong.");
        }
        else if (headcount > 0 && fte == 0)
        {
            Report(Rules.W04, StaffFte, "staff_fte is 0 but staff_headcount is above 0: one of them is probably wrong.");
        }

        if (Issues.HasErrors)
        {
            return;
        }

        Sink.Add(new CuratedWorkforce(FilePath.ProviderCode, headcount!.Value, fte!.Value, leaveFte!.Value, onLeave!.Value, under2Years!.Value));
    }

    /// <summary>K07: a workforce return is one row, the provider-month's staffing; a header-only file says nothing.</summary>
    public override void Finish(long rowsRead)
    {
        if (rowsRead == 0)
        {
            Issues.Add(Rules.K07, null, null, null, default,
                "The file has no data row: a workforce.csv holds exactly one row, the staffing at the end of the reporting month. " +
                "Send that row, or send no workforce.csv for the month.");
        }
        else if (rowsRead > 1)
        {
            Issues.Add(Rules.K07, 2, secondRowLine, null, default,
                $"The file has {rowsRead} data rows: a workforce.csv holds exactly one row, the staffing at the end of the reporting month. " +
                "Add up the teams into one row.");
        }
    }

    private static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A decimal of at least 0 with at most two decimal places, and at most <paramref name="max"/> when given.</summary>
    private decimal? Fte(int column, Rule rule, int? max)
    {
        if (Blank(column, rule))
        {
            return null;
        }

        if (!FieldParsers.TryParseUnsignedDecimal(this[column], FteDecimalPlaces, out var value) || value > max)
        {
            var range = max is { } most ? $"from 0 to {most}" : "of 0 or more";
            Report(rule, column, $"{Columns[column].Name} must be a number {range} with at most {FteDecimalPlaces} decimal places (digits and an optional decimal point, such as 12.5).");
            return null;
        }

        return value;
    }

    /// <summary>A whole number of people, 0 or more and not more than the headcount when that is known (K05, K06).</summary>
    private int? PartOfHeadcount(int column, Rule rule, int? headcount)
    {
        if (Blank(column, rule))
        {
            return null;
        }

        if (!FieldParsers.TryParseInt(this[column], 0, int.MaxValue, out var value))
        {
            Report(rule, column, $"{Columns[column].Name} must be a whole number of people, 0 or more.");
            return null;
        }

        if (value > headcount)
        {
            Report(rule, column, $"{Columns[column].Name} cannot be more than staff_headcount ({Invariant(headcount!.Value)} on this row): they are part of the staff.");
            return null;
        }

        return value;
    }
}
