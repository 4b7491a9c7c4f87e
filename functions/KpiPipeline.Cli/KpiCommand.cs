using System.CommandLine;

namespace KpiPipeline.Cli;

/// <summary>The <c>kpi</c> command and its subcommands.</summary>
public static class KpiCommand
{
    public static RootCommand Create() => new("KpiPipeline: commissioning KPIs for drug and alcohol treatment services")
    {
        ProcessCommand.Create(),
        PackageCommand.Create(),
        DemoCommand.Create(),
        GenerateCommand.Create(),
        IngestBenchCommand.Create(),
        RebuildStateCommand.Create(),
        BenchCommand.Create(),
        BenchAzureCommand.Create(),
        Benchmarks.DuckDbSide.CreateCommand(),
    };
}
