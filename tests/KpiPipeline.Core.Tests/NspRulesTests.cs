using KpiPipeline.Core.Dataset;
using static KpiPipeline.Core.Tests.Fixture;

namespace KpiPipeline.Core.Tests;

/// <summary>nsp.csv (dataset.md section 4): N01–N07 at the boundaries the spec states, and the curated row.</summary>
public class NspRulesTests
{
    public static TheoryData<string> FlagColumns { get; } =
        ["new_registration", "used_returned", "naloxone_supplied", "bbv_test", "referred_to_treatment"];

    [Fact]
    public async Task Accepts_the_baseline_transaction()
    {
        var (report, sink) = await Nsp(NspRow());

        AssertClean(report);
        Assert.Single(sink.Nsp);
    }

    [Theory]
    [InlineData("prov1", null)]
    [InlineData("PROV2", "N01")]
    [InlineData("", "N01")]
    public async Task N01_provider_code_equals_the_path_provider(string value, string? rule) =>
        await Expect(rule, NspRow(("provider_code", value)));

    [Theory]
    [InlineData(32, null)]
    [InlineData(33, "N02")]
    [InlineData(1, null)]
    public async Task N02_outlet_code_is_1_to_32_characters(int length, string? rule) =>
        await Expect(rule, NspRow(("outlet_code", new string('P', length))));

    [Theory]
    [InlineData("PH_9-Z", null)]
    [InlineData("", "N02")]
    [InlineData("PH 1", "N02")]
    [InlineData("PH.1", "N02")]
    [InlineData("PH1 ", "N02")]
    [InlineData("ÖUTLET", "N02")]
    public async Task N02_outlet_code_uses_A_to_Z_digits_underscore_and_hyphen(string value, string? rule) =>
        await Expect(rule, NspRow(("outlet_code", value)));

    [Fact]
    public async Task N02_a_lower_case_outlet_code_is_accepted_and_stored_upper_case_as_a_code()
    {
        var (report, sink) = await Nsp(NspRow(("outlet_code", "ph-001")));

        AssertClean(report);
        Assert.Equal("PH-001", sink.Nsp.Single().OutletCode);
    }

    [Theory]
    [InlineData("pharmacy", null)]
    [InlineData("SPECIALIST", null)]
    [InlineData("OUTREACH", null)]
    [InlineData("OTHER", null)]
    [InlineData("SHOP", "N03")]
    [InlineData("", "N03")]
    public async Task N03_outlet_type_is_a_code_of_the_list(string value, string? rule) =>
        await Expect(rule, NspRow(("outlet_type", value)));

    [Theory]
    [InlineData("2024-03-01", null)]
    [InlineData("2024-03-31", null)]
    [InlineData("2024-02-29", "N04")]
    [InlineData("2024-04-01", "N04")]
    [InlineData("2023-03-15", "N04")]
    [InlineData("2024-03-32", "N04")]
    [InlineData("2024-3-15", "N04")]
    [InlineData("", "N04")]
    public async Task N04_transaction_date_is_inside_the_reporting_month(string value, string? rule) =>
        await Expect(rule, NspRow(("transaction_date", value)));

    [Fact]
    public async Task N04_accepts_the_leap_day_in_a_February_return()
    {
        var (report, _) = await Upload("PROV1/2024-02/nsp.csv", Lines(NspHeader, [NspRow(("transaction_date", "2024-02-29"))]));

        AssertClean(report);
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(64, null)]
    [InlineData(65, "N05")]
    public async Task N05_registrant_token_is_1_to_64_characters(int length, string? rule) =>
        await Expect(rule, NspRow(("registrant_token", new string('t', length))));

    [Fact]
    public async Task N05_counts_the_registrant_token_in_characters_not_bytes()
    {
        var (report, _) = await Nsp(NspRow(("registrant_token", new string('é', 64))));

        AssertClean(report);
    }

    /// <summary>A registrant token is kept only as a keyed hash (dataset.md 2.2), so a report never shows the token as sent.</summary>
    [Fact]
    public async Task N05_withholds_the_registrant_token_it_refuses()
    {
        var (report, _) = await Nsp(NspRow(("registrant_token", "John Smith of Acacia Avenue Ashbridge - regular at the van on Tuesdays")));

        var issue = Assert.Single(report.Issues);
        Assert.Equal(("N05", "registrant_token", null, true), (issue.RuleId, issue.Column, issue.Value, issue.ValueWithheld));
    }

    [Theory]
    [InlineData(64, null)]
    [InlineData(65, "N05")]
    public async Task N05_counts_a_character_beyond_the_basic_plane_once(int length, string? rule) =>
        await Expect(rule, NspRow(("registrant_token", string.Concat(Enumerable.Repeat("\U0001F600", length)))));

    /// <summary>A token refused for its length gets no hint about the joiners inside an emoji it holds: they are not why.</summary>
    [Fact]
    public async Task N05_for_length_gives_no_hint_about_invisible_characters()
    {
        var (report, _) = await Nsp(NspRow(("registrant_token", new string('t', 60) + "\U0001F468\u200D\U0001F469\u200D\U0001F467")));

        var issue = Assert.Single(report.Issues);
        Assert.Equal("N05", issue.RuleId);
        Assert.DoesNotContain("invisible", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task N05_a_blank_registrant_token_is_allowed_and_stored_as_no_hash()
    {
        var (report, sink) = await Nsp(NspRow(("registrant_token", "")));

        AssertClean(report);
        Assert.Null(sink.Nsp.Single().RegistrantHash);
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("1000", null)]
    [InlineData("1001", "N06")]
    [InlineData("-1", "N06")]
    [InlineData("", "N06")]
    [InlineData("2.5", "N06")]
    [InlineData("1e2", "N06")]
    public async Task N06_needles_supplied_is_a_required_whole_number_0_to_1000(string value, string? rule) =>
        await Expect(rule, NspRow(("needles_supplied", value)));

    [Theory]
    [MemberData(nameof(FlagColumns))]
    public async Task N07_flags_are_Y_or_N_in_either_case_or_blank(string column)
    {
        var (good, sink) = await Nsp(NspRow((column, "y")), NspRow((column, "n")), NspRow((column, "")));
        AssertClean(good);
        Assert.Equal(3, sink.Nsp.Count);

        var (bad, _) = await Nsp(NspRow((column, "X")));
        AssertRejectedBy(bad, "N07");
    }

    [Fact]
    public async Task Stores_the_registrant_token_only_as_a_keyed_hash_with_the_separate_NSP_secret()
    {
        var (report, sink) = await Nsp(NspRow(("registrant_token", "tok123")));

        AssertClean(report);
        var hash = sink.Nsp.Single().RegistrantHash;
        Assert.Equal(Hmac(NspSecret, "tok123"), hash);
        Assert.NotEqual(Hmac(ClientSecret, "tok123"), hash);
        Assert.DoesNotContain(typeof(CuratedNspTransaction).GetProperties(), p => p.Name.Contains("Token", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Registrant_tokens_are_identifiers_compared_as_sent()
    {
        var (report, sink) = await Nsp(NspRow(("registrant_token", "abc")), NspRow(("registrant_token", "ABC")));

        AssertClean(report);
        Assert.NotEqual(sink.Nsp[0].RegistrantHash, sink.Nsp[1].RegistrantHash);
    }

    private static async Task Expect(string? rule, string row) => AssertOneRow(rule, await Nsp(row));
}
