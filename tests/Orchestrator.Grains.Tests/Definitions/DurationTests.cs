using System.Text.Json;
using Orchestrator.Definitions;

namespace Orchestrator.Grains.Tests.Definitions;

public sealed class DurationTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("1m30s500ms", 90_500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0s", 0)]
    public void Duration_ParsesToTimeSpan_WhenTextIsValid(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Duration.Parse(text));
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("30", "expected a unit")]
    [InlineData("s", "expected a number")]
    [InlineData("30 s", "expected a unit")]
    [InlineData("-5s", "expected a number")]
    [InlineData("30m1h", "largest to the smallest")]
    [InlineData("1s1s", "largest to the smallest")]
    [InlineData("5w", "expected a unit")]
    [InlineData("99999999999999d", "too long")]
    public void Duration_ExplainsWhy_WhenTextIsInvalid(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Duration.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(Duration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(250, "250ms")]
    [InlineData(90_000, "1m30s")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(90_061_001, "1d1h1m1s1ms")]
    public void Duration_FormatsFromLargestUnit(long milliseconds, string expected)
    {
        Assert.Equal(expected, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Fact]
    public void Duration_RoundTrips_WhenValueHasSubMillisecondTicks()
    {
        var value = TimeSpan.FromTicks(12_345);

        Assert.Equal("1.2345ms", Duration.Format(value));
        Assert.Equal(value, Duration.Parse(Duration.Format(value)));
    }

    [Fact]
    public void DurationJsonConverter_WritesAndReadsDurationStrings()
    {
        var options = new JsonSerializerOptions { Converters = { new DurationJsonConverter() } };

        Assert.Equal("\"1h30m\"", JsonSerializer.Serialize(TimeSpan.FromMinutes(90), options));
        Assert.Equal(TimeSpan.FromMilliseconds(250), JsonSerializer.Deserialize<TimeSpan>("\"250ms\"", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TimeSpan>("\"soon\"", options));
    }
}
