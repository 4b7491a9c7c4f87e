using KpiPipeline.Core.Validation;

namespace KpiPipeline.Core.Tests;

/// <summary>Where an issue is, as the run summary and the reference-data errors name it (<see cref="ValidationIssue.Place"/>).</summary>
public sealed class ValidationIssueTests
{
    [Theory]
    [InlineData(12L, 13L, "sex", "row 12 (line 13 of the file), column sex")]
    [InlineData(12L, null, "sex", "row 12, column sex")]
    [InlineData(null, 1L, "sex", "line 1, column sex")]
    [InlineData(12L, 13L, null, "row 12 (line 13 of the file)")]
    [InlineData(null, null, "episode_id", "column episode_id")]
    [InlineData(null, null, null, "")]
    public void Names_the_row_or_header_line_and_the_column_it_has(long? row, long? line, string? column, string place)
    {
        var issue = new ValidationIssue(row, line, column, null, false, "E05", IssueSeverity.Error, "sex must be M, F or X.");

        Assert.Equal(place, issue.Place);
    }

    [Fact]
    public void Describes_itself_in_one_line_with_its_file_place_rule_and_message()
    {
        var inRow = new ValidationIssue(3, 4, "area_code", "E99", false, "R03", IssueSeverity.Error, "area_code is not in areas.csv.");
        var wholeFile = new ValidationIssue(null, null, null, null, false, "R01", IssueSeverity.Error, "The file is missing.");

        Assert.Equal("providers.csv row 3 (line 4 of the file), column area_code: R03 area_code is not in areas.csv.", inRow.Describe("providers.csv"));
        Assert.Equal("row 3 (line 4 of the file), column area_code: R03 area_code is not in areas.csv.", inRow.Describe());
        Assert.Equal("areas.csv: R01 The file is missing.", wholeFile.Describe("areas.csv"));
        Assert.Equal("R01 The file is missing.", wholeFile.Describe());
    }
}
