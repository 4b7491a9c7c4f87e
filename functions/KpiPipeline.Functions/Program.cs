using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Functions;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.Memory;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
builder.Services.AddSingleton<KpiRunHooks>(ReturnMemoryBetweenPhases.ForComputeKpis());   // ComputeKpis over a nation in 1 GiB
builder.Services.AddKpiPipeline().AddIngestFaultInjection().AddStateFaultInjection();
var app = builder.Build();
app.Services.GetRequiredService<Pseudonymiser>();   // fail at start, with a clear error, when a secret is missing (dataset.md 2.2)
await app.RunAsync();
