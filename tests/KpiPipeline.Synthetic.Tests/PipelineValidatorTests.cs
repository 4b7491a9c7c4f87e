using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Synthetic.Tests;

/// <summary>The generated files against the pipeline's own validator (KpiPipeline.Core.Validation).</summary>
public sealed class PipelineValidatorTests(DemoReturns demo) : IClassFixture<DemoReturns>
{
    [Fact]
    public async Task Every_generated_return_is_accepted_by_the_pipeline_validator()
    {
        var context = ContextFor(demo.Generator);
        foreach (var file in demo.Files.Where(f => f.Container == SyntheticFile.ReturnsContainer))
        {
            var report = await ReturnValidator.ValidateAsync(file.BlobName, file.OpenRead(), context, new CollectingRowSink(), CancellationToken.None);

            Assert.True(report.Accepted, $"{file.BlobName}: {string.Join(", ", report.CountsByRule.Select(c => $"{c.RuleId}×{c.Count}"))}");
        }
    }

    [Fact]
    public async Task Injected_defects_are_rejected_by_the_pipeline_validator_for_their_rule()
    {
        var generator = new SyntheticReturnsGenerator(SyntheticOptions.Demo with { PeoplePerProvider = 60, Months = 4, InjectedDefects = 3 });
        var context = ContextFor(generator);
        var defects = generator.InjectedDefects.ToDictionary(d => d.BlobName);
        foreach (var file in generator.EnumerateFiles().Where(f => f.BlobName.EndsWith("episodes.csv", StringComparison.Ordinal)))
        {
            var report = await ReturnValidator.ValidateAsync(file.BlobName, file.OpenRead(), context, new CollectingRowSink(), CancellationToken.None);

            if (defects.TryGetValue(file.BlobName, out var defect))
            {
                Assert.False(report.Accepted);
                Assert.True(report.CountOf(defect.Rule) > 0, $"{file.BlobName} should break {defect.Rule}");
            }
            else
            {
                Assert.True(report.Accepted, file.BlobName);
            }
        }
    }

    private static ValidationContext ContextFor(SyntheticReturnsGenerator generator) => new()
    {
        Reference = generator.Reference,
        Pseudonymiser = new Pseudonymiser(PseudonymisationSecrets.Development),
        UploadedAt = new DateTimeOffset(generator.Options.LastMonth.LastDay.AddDays(10).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
    };
}
