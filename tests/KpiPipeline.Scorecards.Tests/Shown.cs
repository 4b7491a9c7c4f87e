using System.Globalization;

namespace KpiPipeline.Scorecards.Tests;

/// <summary>Reads the figures a scorecard shows back into numbers, independently of the code that wrote them.</summary>
public static class Shown
{
    /// <summary><c>72.4%</c>, <c>1,234</c>, <c>12.5 days</c>, <c>+2.3</c>, <c>0.65</c> → the number; <c>no data</c>, <c>suppressed</c> → null.</summary>
    public static double? Number(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t is "no data" or "suppressed" or "not published")
        {
            return null;
        }

        t = t.Replace("%", "", StringComparison.Ordinal).Replace(" days", "", StringComparison.Ordinal)
            .Replace(",", "", StringComparison.Ordinal).TrimStart('+');
        return double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public static long Count(string text) => long.Parse(text.Trim().Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    public static string Rating(string rag) => rag switch
    {
        "green" => "Green",
        "amber" => "Amber",
        "red" => "Red",
        _ => "Not rated",
    };

    /// <summary>Asserts that a value cell's text is the published row's value (or says suppressed / no data).</summary>
    public static void AssertValue(PublishedRow expected, string shownText)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (expected.Suppressed)
        {
            Assert.Equal("suppressed", shownText.Trim());
        }
        else if (expected.Value is null)
        {
            Assert.Equal("no data", shownText.Trim());
        }
        else
        {
            var number = Number(shownText);
            Assert.True(number is not null, $"{expected.Key}: shows '{shownText}', published {expected.Value}");
            Assert.Equal(expected.Value.Value, number!.Value, 9);
        }
    }
}
