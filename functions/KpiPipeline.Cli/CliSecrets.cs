using KpiPipeline.Core.Pseudonymisation;

namespace KpiPipeline.Cli;

/// <summary>Pseudonymisation secrets for command-line runs: from the same settings as the function app, or the demo's fixed ones on request.</summary>
public static class CliSecrets
{
    public const string ClientKeyVariable = "KpiPipeline__PseudonymisationSecret";
    public const string RegistrantVariable = "KpiPipeline__RegistrantSecret";

    public static PseudonymisationSecrets Resolve(bool development, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (development)
        {
            output.WriteLine("Using the fixed development pseudonymisation secrets: for synthetic data only, never for real returns.");
            return PseudonymisationSecrets.Development;
        }

        try
        {
            return new PseudonymisationSecrets(
                Environment.GetEnvironmentVariable(ClientKeyVariable), Environment.GetEnvironmentVariable(RegistrantVariable));
        }
        catch (PseudonymisationSecretException e)
        {
            // The core's message speaks of configuration; on the command line the settings are two environment variables.
            throw new PseudonymisationSecretException(
                $"{e.Message} On the command line, set {ClientKeyVariable} and {RegistrantVariable} (two different secrets); " +
                "for synthetic data only, --development-secrets uses fixed ones.",
                e);
        }
    }
}
