using KpiPipeline.Cli;

return await KpiCommand.Create().Parse(args).InvokeAsync();
