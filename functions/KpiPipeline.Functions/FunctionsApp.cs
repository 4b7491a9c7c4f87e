using System.Text.Json;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Functions.Hosting;
using KpiPipeline.Pipeline;

namespace KpiPipeline.Functions;

/// <summary>
/// The custom handler: an ASP.NET Core app listening on <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> (loopback) that maps each
/// function name to a POST route answering the host's invocation payload.
/// </summary>
public static class FunctionsApp
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var port = builder.Configuration[PortVariable];
        if (!string.IsNullOrEmpty(port))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        // The host posts a blob trigger's whole blob in the payload, over loopback: no body size limit.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = null);
        builder.Services.AddKpiPipeline();
        configure?.Invoke(builder);

        var app = builder.Build();

        // Fail fast with a clear error when the pseudonymisation secrets are missing (dataset.md 2.2).
        app.Services.GetRequiredService<Pseudonymiser>();
        app.MapPost("/" + FunctionNames.IngestReturn, IngestReturnFunction.RunAsync);
        app.MapPost("/" + FunctionNames.ComputeKpis, ComputeKpisFunction.RunAsync);
        app.MapPost("/" + FunctionNames.PurgeQuarantine, PurgeQuarantineFunction.RunAsync);
        app.MapGet("/", () => Results.Text("KpiPipeline custom handler"));
        return app;
    }

    internal static readonly JsonSerializerOptions ReturnValueJson = new(JsonSerializerDefaults.Web);
}
