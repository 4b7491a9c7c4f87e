using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

/// <summary>nsp.csv (dataset.md section 4): N01–N07.</summary>
internal sealed class NspRules : ReturnFileRules
{
    private const int ProviderCode = 0;
    private const int OutletCode = 1;
    private const int OutletTypeColumn = 2;
    private const int TransactionDate = 3;
    private const int RegistrantToken = 4;
    private const int NewRegistration = 5;
    private const int NeedlesSupplied = 6;
    private const int UsedReturned = 7;
    private const int NaloxoneSupplied = 8;
    private const int BbvTest = 9;
    private const int ReferredToTreatment = 10;

    private static readonly ColumnSpec[] Spec =
    [
        new("provider_code", true), new("outlet_code", true), new("outlet_type", true), new("transaction_date", true),
        new("registrant_token", false), new("new_registration", false), new("needles_supplied", true),
        new("used_returned", false), new("naloxone_supplied", false), new("bbv_test", false), new("referred_to_treatment", false),
    ];


    // A file names a handful of outlets on thousands of rows: each code is stored once.
    private readonly Dictionary<string, string> outletCodes = new(StringComparer.Ordinal);

    public NspRules(ReturnPath path, ValidationContext context, ICuratedRowSink sink, IssueCollector issues)
        : base(Spec, path, context, sink, issues)
    {
    }

    public static IReadOnlyList<string> ColumnNames { get; } = Spec.Select(c => c.Name).ToArray();

    protected override void CheckRow()
    {
        ProviderMatches(ProviderCode, Rules.N01, FilePath.ProviderCode);
        if (!Blank(OutletCode, Rules.N02) && !FieldParsers.IsIdentifier(this[OutletCode], 32))
        {
            Report(Rules.N02, OutletCode, "outlet_code must be 1 to 32 characters of A-Z, 0-9, _ and -.");
        }

        Code<OutletType>(OutletTypeColumn, Rules.N03, out var outletType);
        Date(TransactionDate, Rules.N04, out var date);
        if (date is { } day && (day < MonthStart || day > MonthEnd))
        {
            Report(Rules.N04, TransactionDate, $"transaction_date must be inside the reporting month ({FilePath.Month}).");
        }

        if (FieldParsers.CharacterCount(this[RegistrantToken]) > 64)
        {
            Report(Rules.N05, RegistrantToken, "registrant_token must be 1 to 64 characters.");
        }

        YesNo(NewRegistration, Rules.N07, out var newRegistration);
        Integer(NeedlesSupplied, Rules.N06, 0, 1000, out var needles);
        YesNo(UsedReturned, Rules.N07, out var usedReturned);
        YesNo(NaloxoneSupplied, Rules.N07, out var naloxone);
        YesNo(BbvTest, Rules.N07, out var bbvTest);
        YesNo(ReferredToTreatment, Rules.N07, out var referred);
        if (Issues.HasErrors)
        {
            return;
        }

        var token = this[RegistrantToken];
        Sink.Add(new CuratedNspTransaction(
            FilePath.ProviderCode,
            Outlet(this[OutletCode]),
            outletType!.Value,
            date!.Value,
            token.IsEmpty ? null : Context.Pseudonymiser.RegistrantHash(token),
            newRegistration,
            needles!.Value,
            usedReturned,
            naloxone,
            bbvTest,
            referred));
    }

    /// <summary>The upper-cased outlet code (validated: at most 32 ASCII characters), one string per distinct code.</summary>
    private string Outlet(ReadOnlySpan<char> code)
    {
        // Codes are almost always sent upper-cased already: copied only when one has a lower-case letter.
        Span<char> upper = stackalloc char[code.Length];
        if (code.IndexOfAnyInRange('a', 'z') >= 0)
        {
            code.ToUpperInvariant(upper);
        }
        else
        {
            code.CopyTo(upper);
        }

        var lookup = outletCodes.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(upper, out var stored))
        {
            stored = new string(upper);
            outletCodes.Add(stored, stored);
        }

        return stored;
    }
}
