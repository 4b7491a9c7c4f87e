using KpiPipeline.Functions;

var app = FunctionsApp.Build(args);
await app.RunAsync();
