using KpiPipeline.Core.Validation;
using static KpiPipeline.Core.Tests.TestData;

namespace KpiPipeline.Core.Tests;

public class NspValidatorTests
{
    private static async Task<(ValidationReport Report, CollectingRowSink Sink)> Nsp(params string[] rows)
    {
        var sink = new CollectingRowSink();
        var report = await Validate("PROV1/2024-03/nsp.csv", string.Join("\r\n", [NspHeader, .. rows]) + "\r\n", sink);
        return (report, sink);
    }

    private static string Transaction(params (string, string)[] changes) => With(NspHeader, GoodNsp, changes);

    [Fact]
    public async Task Stores_the_registrant_token_only_as_a_keyed_hash_with_the_nsp_secret()
    {
        var (report, sink) = await Nsp(GoodNsp, Transaction(("registrant_token", "")));

        Assert.True(report.Accepted);
        Assert.Equal(Context().Pseudonymiser.RegistrantHash("tok123"), sink.Nsp[0].RegistrantHash);
        Assert.NotEqual("tok123", sink.Nsp[0].RegistrantHash);
        Assert.Null(sink.Nsp[1].RegistrantHash);
    }

    [Fact]
    public async Task Stores_outlet_codes_upper_case()
    {
        var (_, sink) = await Nsp(Transaction(("outlet_code", "ph-001")));

        Assert.Equal("PH-001", sink.Nsp[0].OutletCode);
    }

    [Fact]
    public async Task Rejects_a_transaction_outside_the_reporting_month()
    {
        var (report, _) = await Nsp(Transaction(("transaction_date", "2024-02-29")));

        Assert.Equal(["N04"], RulesOf(report));
    }

    [Fact]
    public async Task Rejects_more_than_1000_needles_and_a_blank_count()
    {
        var (report, _) = await Nsp(Transaction(("needles_supplied", "1001")), Transaction(("needles_supplied", "")));

        Assert.Equal(2, report.CountOf("N06"));
    }

    [Fact]
    public async Task Rejects_another_providers_rows()
    {
        var (report, _) = await Nsp(Transaction(("provider_code", "PROV2")));

        Assert.Equal(["N01"], RulesOf(report));
    }

    [Fact]
    public async Task Counts_a_64_character_token_as_valid_and_65_as_not()
    {
        var (ok, _) = await Nsp(Transaction(("registrant_token", new string('é', 64))));
        var (bad, _) = await Nsp(Transaction(("registrant_token", new string('t', 65))));

        Assert.True(ok.Accepted);
        Assert.Equal(["N05"], RulesOf(bad));
    }
}
