global using KpiPipeline.Kpis.Engine;
