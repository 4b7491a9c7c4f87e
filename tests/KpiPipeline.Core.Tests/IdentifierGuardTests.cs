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
    public void Withholds_what_could_be_initials_or_a_date_of_birth(string value) =>
        Assert.True(IdentifierGuard.CouldBeIdentifier(value));

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
