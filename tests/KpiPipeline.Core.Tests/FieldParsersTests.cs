using System.Numerics;
using FsCheck.Fluent;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Core.Tests;

public class FieldParsersTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("7", 7)]
    [InlineData("028", 28)]
    [InlineData("999999999", 999_999_999)]
    [InlineData("0000000000005", 5)]
    [InlineData("000000000999999999", 999_999_999)]
    public void Reads_a_whole_number_whatever_its_leading_zeros(string text, int expected)
    {
        Assert.True(FieldParsers.TryParseInt(text, 0, int.MaxValue, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("5.0")]
    [InlineData("1e3")]
    [InlineData("\u0665")]
    [InlineData("1000000000")]
    [InlineData("00001000000000")]
    public void Refuses_anything_but_up_to_nine_significant_ascii_digits(string text)
    {
        Assert.False(FieldParsers.TryParseInt(text, 0, int.MaxValue, out _));
    }

    [Fact]
    public void Reads_any_text_as_its_digits_say_within_the_range()
    {
        var cases =
            from length in Gen.Choose(0, 14)
            from alphabet in Gen.Elements("0000123456789", "0000123456789 -+.a\u0665")
            from chars in Gen.ArrayOf(Gen.Elements([.. alphabet]), length)
            from min in Gen.Choose(0, 50)
            from width in Gen.Choose(0, 2_000_000_000 - 50)
            select (Text: new string(chars), Min: min, Max: min + width);

        Fixture.CheckProperty(cases, c =>
        {
            var digitsOnly = c.Text.Length > 0 && c.Text.All(char.IsAsciiDigit);
            var number = digitsOnly ? BigInteger.Parse(c.Text, System.Globalization.CultureInfo.InvariantCulture) : BigInteger.MinusOne;
            var readable = digitsOnly && number < 1_000_000_000;
            var accepted = FieldParsers.TryParseInt(c.Text, c.Min, c.Max, out var value);
            return accepted == (readable && number >= c.Min && number <= c.Max)
                && (!readable || value == (int)number);
        }, tests: 2000);
    }
}
