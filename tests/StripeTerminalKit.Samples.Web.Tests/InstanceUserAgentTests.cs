using StripeTerminalKit.Emulator;
using StripeTerminalKit.Samples.Web.Hosting;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>
/// <c>Checkouts:InstanceId</c> names the instance in the User-Agent of its Stripe requests
/// (<c>stk-instance/…</c>), as Stripe's Dashboard request log shows it: checked on the emulator's
/// request log, the Stripe side.
/// </summary>
public sealed class InstanceUserAgentTests
{
    [Fact]
    public async Task Every_Stripe_request_of_a_named_instance_ends_with_its_name()
    {
        await using var app = new WebSampleFactory(new Dictionary<string, string?> { ["Checkouts:InstanceId"] = "web-7" });
        app.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromMilliseconds(20)));
        using var till = app.Device();
        var reader = (await till.ReadersAsync())[0].Id;

        await till.StartAsync(new { checkoutId = "named-1", readerId = reader, amount = 1200 });
        var done = await till.WaitForAsync("named-1", c => c.Completed);

        var log = app.Emulator.RequestLog;
        Assert.Equal("succeeded", done.Outcome);
        Assert.Contains(log, r => r.Operation == "terminal.readers.process_payment_intent");
        Assert.All(log, r => Assert.EndsWith(" stk-instance/web-7", r.UserAgent, StringComparison.Ordinal));
        Assert.All(log, r => Assert.StartsWith("Stripe/", r.UserAgent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unnamed_instance_sends_Stripe_net_user_agent_unchanged()
    {
        await using var app = new WebSampleFactory();
        using var till = app.Device();

        await till.ReadersAsync();

        var log = app.Emulator.RequestLog;
        Assert.NotEmpty(log);
        Assert.All(log, r => Assert.DoesNotContain(InstanceUserAgent.Product, r.UserAgent ?? "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("web-1", "stk-instance/web-1")]
    [InlineData(" pos backend/2 ", "stk-instance/pos-backend-2")]
    [InlineData("café:1", "stk-instance/caf--1")]
    public void Any_configured_name_becomes_a_valid_product_token(string instanceId, string expected)
    {
        var token = InstanceUserAgent.Token(instanceId);

        Assert.Equal(expected, token);
        Assert.True(System.Net.Http.Headers.ProductInfoHeaderValue.TryParse(token, out _));
    }

    [Fact]
    public void A_long_name_is_cut_to_64_characters()
    {
        Assert.Equal("stk-instance/" + new string('a', 64), InstanceUserAgent.Token(new string('a', 100)));
    }
}
