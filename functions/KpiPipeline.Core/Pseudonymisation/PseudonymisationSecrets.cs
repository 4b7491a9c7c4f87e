namespace KpiPipeline.Core.Pseudonymisation;

/// <summary>
/// The two keys of dataset.md 2.2: one for <c>client_key</c>, a separate one for NSP registrant tokens.
/// Read them from configuration (Key Vault in Azure); a missing, blank or shared key, or the text of a Key Vault reference
/// the platform could not resolve, is refused with a clear error.
/// </summary>
public sealed class PseudonymisationSecrets
{
    private const string DevelopmentClientKeySecret = "kpipipeline-local-demo-client-key-secret-not-for-real-data";
    private const string DevelopmentNspSecret = "kpipipeline-local-demo-nsp-token-secret-not-for-real-data";

    public PseudonymisationSecrets(string? clientKeySecret, string? nspTokenSecret)
        : this(clientKeySecret, nspTokenSecret, isDevelopment: false)
    {
    }

    private PseudonymisationSecrets(string? clientKeySecret, string? nspTokenSecret, bool isDevelopment)
    {
        if (string.IsNullOrWhiteSpace(clientKeySecret))
        {
            throw new PseudonymisationSecretException(
                "The client key secret (HMAC key for client_key, dataset.md 2.2) is missing or empty. Set it in configuration (Key Vault in Azure).");
        }

        if (string.IsNullOrWhiteSpace(nspTokenSecret))
        {
            throw new PseudonymisationSecretException(
                "The NSP registrant token secret (a separate HMAC key, dataset.md 2.2 and 4) is missing or empty. Set it in configuration (Key Vault in Azure).");
        }

        var unresolved = IsUnresolvedKeyVaultReference(clientKeySecret) ? "client key secret"
            : IsUnresolvedKeyVaultReference(nspTokenSecret) ? "NSP registrant token secret"
            : null;
        if (unresolved is { } which)
        {
            throw new PseudonymisationSecretException(
                $"The {which} is the text of a Key Vault reference (@Microsoft.KeyVault(...)), not a key: App Service passes the " +
                "reference itself when it cannot read the secret (the secret does not exist yet, or the app's identity cannot read " +
                "the vault). Nothing is pseudonymised with it; check the reference's status in the app's configuration (docs/deploy.md).");
        }

        if (string.Equals(clientKeySecret, nspTokenSecret, StringComparison.Ordinal))
        {
            throw new PseudonymisationSecretException(
                "The client key secret and the NSP registrant token secret must be different keys.");
        }

        ClientKeySecret = System.Text.Encoding.UTF8.GetBytes(clientKeySecret);
        NspTokenSecret = System.Text.Encoding.UTF8.GetBytes(nspTokenSecret);
        IsDevelopment = isDevelopment;
    }

    /// <summary>
    /// Whether <paramref name="value"/> is an App Service Key Vault reference left unresolved: the platform then hands the
    /// setting's own text to the app, which would otherwise be taken as a key anyone can read from the app's configuration.
    /// </summary>
    private static bool IsUnresolvedKeyVaultReference(string value) =>
        value.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);

    /// <summary>Fixed keys for the local demo only; callers must say they are in use (dataset.md 2.2).</summary>
    public static PseudonymisationSecrets Development { get; } =
        new(DevelopmentClientKeySecret, DevelopmentNspSecret, isDevelopment: true);

    /// <summary>True for <see cref="Development"/>: client keys made with it are not protected.</summary>
    public bool IsDevelopment { get; }

    internal byte[] ClientKeySecret { get; }

    internal byte[] NspTokenSecret { get; }

    /// <summary>Never shows the keys.</summary>
    public override string ToString() => IsDevelopment ? "PseudonymisationSecrets(development)" : "PseudonymisationSecrets(configured)";
}

/// <summary>A pseudonymisation key is missing or unusable: the pipeline must stop.</summary>
public sealed class PseudonymisationSecretException : Exception
{
    public PseudonymisationSecretException()
    {
    }

    public PseudonymisationSecretException(string message)
        : base(message)
    {
    }

    public PseudonymisationSecretException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
