using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StripeTerminalKit.Samples.Web.Hosting;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>The small pieces behind issue 12's fixes, on their own: the log escaper and the per-device start limiter.</summary>
public sealed class HardeningUnitTests
{
    [Theory]
    [InlineData("a\u2028b", "a\\u2028b")]
    [InlineData("a\u2029b", "a\\u2029b")]
    [InlineData("a\u202Eb", "a\\u202Eb")]
    [InlineData("a\u202Ab\u202Dc", "a\\u202Ab\\u202Dc")]
    [InlineData("a\u2066b\u2069", "a\\u2066b\\u2069")]
    [InlineData("a\u200Bb\u200Fc\uFEFF", "a\\u200Bb\\u200Fc\\uFEFF")]
    [InlineData("line\r\nFAKE", "line\\u000D\\u000AFAKE")]
    [InlineData("\u001b[31mred", "\\u001B[31mred")]
    [InlineData("a\u0085b", "a\\u0085b")]
    [InlineData("Front counter — café ☕", "Front counter — café ☕")]
    [InlineData("tmr_FkZ9", "tmr_FkZ9")]
    [InlineData(null, "(null)")]
    public void Log_values_escape_what_could_forge_or_reorder_a_log_line(string? value, string expected)
    {
        Assert.Equal(expected, LogValue.Escape(value));
        Assert.Equal(expected, new Untrusted(value).ToString());
    }

    [Fact]
    public void Long_log_values_are_cut()
    {
        var escaped = LogValue.Escape(new string('x', 5_000));

        Assert.Equal(LogValue.MaxLength + 1, escaped.Length);
        Assert.EndsWith("…", escaped, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_gets_its_allowance_per_sliding_minute_and_another_device_its_own()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new CheckoutStartLimiter(time, Options.Create(new LimitsOptions { CheckoutsPerDevicePerMinute = 3 }));

        var firstThree = Enumerable.Range(0, 3).Select(i =>
        {
            var allowed = limiter.TryAcquire("till-1", out _);
            time.Advance(TimeSpan.FromSeconds(10));
            return allowed;
        }).ToList();
        var fourth = limiter.TryAcquire("till-1", out var retryAfter);
        var otherDevice = limiter.TryAcquire("till-2", out _);
        time.Advance(retryAfter - TimeSpan.FromMilliseconds(1));
        var justBefore = limiter.TryAcquire("till-1", out _);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var after = limiter.TryAcquire("till-1", out _);

        Assert.All(firstThree, Assert.True);
        Assert.False(fourth);
        Assert.Equal(TimeSpan.FromSeconds(30), retryAfter);
        Assert.True(otherDevice);
        Assert.False(justBefore);
        Assert.True(after);
    }
}
