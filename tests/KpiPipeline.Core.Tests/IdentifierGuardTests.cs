using System.Globalization;
using FsCheck.Fluent;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Core.Tests;

public class IdentifierGuardTests
{
    [Theory]
    [InlineData("Q")]
    [InlineData("qz")]
    [InlineData("J.S.")]
    [InlineData("J S")]
    [InlineData("1971-11-23")]
    [InlineData("23/11/1971")]
    [InlineData("23.11.71")]
    [InlineData("19711123")]
    [InlineData("231171")]
    [InlineData("17 Mar 1964")]
    [InlineData("March 17, 1964")]
    [InlineData("1971-11")]
    [InlineData("11/1971")]
    [InlineData("1971-11-23T00:00:00")]
    [InlineData("5171980")]
    [InlineData("1111980")]
    [InlineData("800517")]
    [InlineData("198005")]
    [InlineData("051980")]
    [InlineData("E19800517")]
    [InlineData("EP231171X")]
    [InlineData("JS1705801")]
    [InlineData("JS17058001")]
    [InlineData("19801705")]
    [InlineData("4857771980051")]
    [InlineData("JS17580")]
    [InlineData("E1580")]
    [InlineData("１９８００５１７")]
    [InlineData("May 1980")]
    [InlineData("may 80")]
    [InlineData("5/80")]
    [InlineData("17. Mai 1980")]
    [InlineData("17.Mai.80")]
    [InlineData("3 déc. 1975")]
    [InlineData("000229")]
    [InlineData("17-juin-80")]
    [InlineData("17-juil.-80")]
    [InlineData("17.Mrz.80")]
    [InlineData("17 juin 80")]
    [InlineData("juillet 1980")]
    [InlineData("Mrz 1980")]
    [InlineData("17.Maerz.1980")]
    [InlineData("17.M\uFFFDrz.1980")]
    [InlineData("fevrier 1980")]
    [InlineData("aout 1980")]
    [InlineData("5-80")]
    [InlineData("05.1980")]
    [InlineData("1980.05")]
    public void Withholds_what_could_be_initials_or_a_date_of_birth(string value) =>
        Assert.True(IdentifierGuard.CouldBeIdentifier(value));

    /// <summary>The layouts a date of birth is written in without separators, each with and without leading zeros.</summary>
    private static readonly string[] CompactLayouts =
    [
        "yyyyMMdd", "ddMMyyyy", "MMddyyyy", "yyyyddMM", "yyMMdd", "ddMMyy", "MMddyy", "yyddMM", "yyyyMd", "dMyyyy", "Mdyyyy", "dMyy",
        "yyyyMM", "MMyyyy",
    ];

    [Fact]
    public void Withholds_every_date_of_birth_written_without_separators_alone_or_inside_an_id_among_other_digits()
    {
        var dates = Gen.Choose(new DateOnly(1900, 1, 1).DayNumber, new DateOnly(2099, 12, 31).DayNumber).Select(DateOnly.FromDayNumber);
        // Six to eight digits are withheld whatever stands around them; four or five only beside a letter (a bare 1580 may be
        // a dose or a count), so those get a letter on one side.
        var values =
            from date in dates
            from layout in Gen.Elements(CompactLayouts)
            let digits = date.ToString(layout, CultureInfo.InvariantCulture)
            from prefix in digits.Length >= 6 ? Gen.Elements("", "E", "EP-", "x", "JS", "7", "42", "E00") : Gen.Elements("E", "JS", "x")
            from suffix in digits.Length >= 6 ? Gen.Elements("", "A", "-1", "1", "01", "9A") : Gen.Elements("", "A", "-1")
            select prefix + digits + suffix;
        Fixture.CheckProperty(values, value => IdentifierGuard.CouldBeIdentifier(value), tests: 3000);
    }

    /// <summary>
    /// Every real date of birth 1900–2099, in every layout a date is commonly written in, is withheld: every date, not a
    /// sample (four or five digits with a letter beside them, as in an id).
    /// </summary>
    [Fact]
    public void Withholds_every_date_from_1900_to_2099_in_every_common_layout()
    {
        string[] layouts =
        [
            .. CompactLayouts, "yyyy-MM-dd", "dd/MM/yyyy", "d/M/yy", "M/d/yyyy", "dd.MM.yyyy", "d.M.yy", "dd-MM-yy", "d MMM yyyy",
            "d MMMM yyyy", "MMMM d, yyyy", "dd-MMM-yy", "MMM yyyy", "MM/yyyy", "yyyy-MM", "MMM-yy", "d MMM yy",
        ];
        var shown = new List<string>();
        for (var day = new DateOnly(1900, 1, 1); day <= new DateOnly(2099, 12, 31); day = day.AddDays(1))
        {
            foreach (var layout in layouts)
            {
                var text = day.ToString(layout, CultureInfo.InvariantCulture);
                // Four or five bare digits may be a dose or a count and are shown; beside a letter (an id) they are not.
                text = text.Length < 6 && text.All(char.IsAsciiDigit) ? "E" + text : text;
                if (!IdentifierGuard.CouldBeIdentifier(text) && shown.Count < 10)
                {
                    shown.Add(text);
                }
            }
        }

        Assert.Empty(shown);
    }

    [Theory]
    [InlineData("male")]
    [InlineData("HEROINE")]
    [InlineData("-1")]
    [InlineData("12.50")]
    [InlineData("2500.5")]
    [InlineData("EP7")]
    [InlineData("@cmd")]
    [InlineData("+SUM(1;2)")]
    [InlineData("9999999999999")]
    [InlineData("PH-001")]
    [InlineData("E0000001")]
    [InlineData("EP0000042")]
    [InlineData("1234567")]
    [InlineData("12345678")]
    [InlineData("999999")]
    [InlineData("EP-00042")]
    [InlineData("1580")]
    [InlineData("2500")]
    [InlineData("E0006311")]
    [InlineData("E0001931")]
    [InlineData("HEROIN 80")]
    [InlineData("12.5")]
    public void Shows_values_that_cannot_be_initials_or_a_date(string value) =>
        Assert.False(IdentifierGuard.CouldBeIdentifier(value));

    [Theory]
    [InlineData("refferal_source", true)]
    [InlineData("nhs_number", true)]
    [InlineData("Referal date", true)]
    [InlineData("notes", false)]
    [InlineData("Smith", false)]
    [InlineData("J", false)]
    [InlineData("1980-05-17", false)]
    [InlineData("PROV1", false)]
    [InlineData("HEROIN", false)]
    [InlineData("J_S", false)]
    [InlineData("=HYPERLINK(\"x\")", false)]
    public void Shows_an_unknown_header_name_only_when_it_reads_as_a_column_name(string name, bool shown) =>
        Assert.Equal(shown, IdentifierGuard.CanShowAsColumnName(name, ["referral_date", "referral_source", "sex"]));
}
