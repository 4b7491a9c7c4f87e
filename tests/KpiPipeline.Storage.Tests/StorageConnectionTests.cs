using FsCheck;
using FsCheck.Fluent;

namespace KpiPipeline.Storage.Tests;

public sealed class StorageConnectionTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void Builds_https_endpoints_from_account_name_and_default_suffix()
    {
        var connection = StorageConnection.Parse($"DefaultEndpointsProtocol=https;AccountName=kpistore;AccountKey={Key};EndpointSuffix=core.windows.net");

        Assert.Equal("kpistore", connection.AccountName);
        Assert.Equal(new Uri("https://kpistore.blob.core.windows.net"), connection.BlobEndpoint);
        Assert.Equal(new Uri("https://kpistore.queue.core.windows.net"), connection.QueueEndpoint);
        Assert.Equal(new Uri("https://kpistore.table.core.windows.net"), connection.TableEndpoint);
        Assert.Equal("kpistore", connection.SharedKey!.AccountName);
    }

    [Fact]
    public void Uses_protocol_and_endpoint_suffix_when_given()
    {
        var connection = StorageConnection.Parse($"AccountName=kpistore;AccountKey={Key};DefaultEndpointsProtocol=http;EndpointSuffix=core.chinacloudapi.cn;");

        Assert.Equal(new Uri("http://kpistore.blob.core.chinacloudapi.cn"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://kpistore.table.core.chinacloudapi.cn"), connection.TableEndpoint);
    }

    [Fact]
    public void Explicit_endpoints_override_the_defaults_and_keys_are_case_insensitive()
    {
        var connection = StorageConnection.Parse(
            $"accountname=devstoreaccount1; accountkey={Key}; blobendpoint=http://127.0.0.1:1234/devstoreaccount1;" +
            "QueueEndpoint=http://127.0.0.1:1235/devstoreaccount1;TableEndpoint=http://127.0.0.1:1236/devstoreaccount1");

        Assert.Equal(new Uri("http://127.0.0.1:1234/devstoreaccount1"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:1235/devstoreaccount1"), connection.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:1236/devstoreaccount1"), connection.TableEndpoint);
    }

    [Fact]
    public void UseDevelopmentStorage_means_the_emulator_on_its_default_ports()
    {
        var connection = StorageConnection.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", connection.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), connection.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), connection.TableEndpoint);
        Assert.NotNull(connection.SharedKey);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("AccountName=kpistore", "AccountKey is missing")]
    [InlineData("AccountName=kpistore;AccountKey=not*base64!", "not valid base64")]
    [InlineData("AccountName=kpistore;AccountKey=abcd;DefaultEndpointsProtocol=ftp", "DefaultEndpointsProtocol")]
    [InlineData("AccountName=kpistore;AccountKey=abcd;BlobEndpoint=not a uri", "BlobEndpoint")]
    [InlineData("AccountName=kpistore;AccountName=other;AccountKey=abcd", "more than once")]
    [InlineData("UseDevelopmentStorage=false", "must be true")]
    [InlineData("AccountName=kpistore;SharedAccessSignature=sv=2020&sig=abc", "SharedAccessSignature is not supported")]
    public void Rejects_bad_strings_with_a_clear_reason(string connectionString, string reason)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnection.Parse(connectionString));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Invalid storage connection string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_segment_is_reported_by_position_without_echoing_the_key()
    {
        var error = Assert.Throws<FormatException>(() => StorageConnection.Parse($"AccountName=kpistore;{Key[..40]};AccountKey={Key}"));

        Assert.Contains("segment 2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..20], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_hides_the_account_key()
    {
        var connection = StorageConnection.Parse($"AccountName=kpistore;AccountKey={Key}");

        Assert.DoesNotContain(Key, connection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, connection.SharedKey!.ToString(), StringComparison.Ordinal);
        Assert.Contains("(hidden)", connection.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_errors_never_contain_any_part_of_the_key()
    {
        // For any key, whatever else is wrong with the string, the error names the problem and never the key.
        var keys = ArbMap.Default.GeneratorFor<byte[]>()
            .Where(bytes => bytes.Length >= 16)
            .Select(Convert.ToBase64String);
        var breakages = Gen.Elements(
            (Func<string, string>)(key => $"AccountKey={key}"),
            key => $"AccountName=a;AccountKey={key};DefaultEndpointsProtocol=gopher",
            key => $"AccountName=a;AccountKey={key};{key}",
            key => $"AccountName=a;AccountKey={key};AccountKey={key}",
            key => $"AccountName=a;AccountKey={key}#;",
            key => $"AccountName=a;AccountKey={key};TableEndpoint={key}");

        Prop.ForAll(
                Gen.Zip(keys, breakages).ToArbitrary(),
                pair =>
                {
                    var (key, breakage) = pair;
                    var error = Assert.Throws<FormatException>(() => StorageConnection.Parse(breakage(key)));
                    return !error.Message.Contains(key[..12], StringComparison.Ordinal);
                })
            .Check(Config.QuickThrowOnFailure.WithReplay(20240601UL, 17UL).WithMaxTest(200));
    }
}
