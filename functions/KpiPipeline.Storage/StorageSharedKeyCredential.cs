using System.Security.Cryptography;
using System.Text;

namespace KpiPipeline.Storage;

/// <summary>
/// A storage account name and its key, used to sign requests with the Shared Key scheme. The key is held as bytes and
/// never appears in <see cref="ToString"/>, exceptions or logs.
/// </summary>
public sealed class StorageSharedKeyCredential
{
    private readonly byte[] key;

    public StorageSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        AccountName = accountName;
        var buffer = new byte[accountKey.Length];
        if (!Convert.TryFromBase64String(accountKey, buffer, out var written) || written == 0)
        {
            throw new FormatException("The storage account key is not valid base64.");
        }

        key = buffer[..written];
    }

    public string AccountName { get; }

    /// <summary>The base64 HMAC-SHA256 of <paramref name="stringToSign"/> under the account key.</summary>
    internal string Sign(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    public override string ToString() => $"SharedKey({AccountName})";
}
