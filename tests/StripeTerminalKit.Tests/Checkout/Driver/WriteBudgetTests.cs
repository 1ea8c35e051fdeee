using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// Issue 17: the latency-model fleet run saw a busy second's authorisations reach the capture
/// together, 26-28 captures in one second against Stripe's 25 per endpoint, and a few 429s. A
/// checkout's writes now take turns from a budget per endpoint
/// (<see cref="StripeTerminalCheckoutOptions.WriteRequestsPerSecond"/>), so they queue for
/// milliseconds instead of meeting a 429.
/// </summary>
public sealed class WriteBudgetTests
{
    [Fact]
    public async Task Captures_beyond_the_write_budget_wait_their_turn_and_none_meets_a_429()
    {
        await using var h = await CheckoutHarness.StartAsync(configure: o => { o.WriteRequestsPerSecond = 1; });
        var location = await h.Services.GetRequiredService<ITerminalLocations>().CreateAsync(
            new CreateLocationRequest("Till 2 shop", new TerminalAddress("AU", Line1: "1 Collins St", City: "Melbourne", State: "VIC", PostalCode: "3000")));
        var second = (await h.Readers.RegisterAsync(new RegisterReaderRequest("simulated-s700") { LocationId = location.Id, Label = "Till 2" })).Id;
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(5)));

        var one = await h.Checkout.StartAsync(h.Sale("paced-1", 1000));
        var two = await h.Checkout.StartAsync(h.Sale("paced-2", 1000) with { ReaderId = second });
        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(one));
        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(two));

        foreach (var operation in new[] { EmulatorOperations.PaymentIntentsCreate, EmulatorOperations.ProcessPaymentIntent, EmulatorOperations.PaymentIntentsCapture })
        {
            var sent = h.Emulator.RequestLog.Where(r => r.Operation == operation).Select(r => r.At).Order().ToArray();
            Assert.Equal(2, sent.Length);
            Assert.True(sent[1] - sent[0] >= TimeSpan.FromSeconds(1), $"{operation}: {sent[0]:HH:mm:ss.fff} and {sent[1]:HH:mm:ss.fff}");
        }

        Assert.DoesNotContain(h.Emulator.RequestLog, r => r.StatusCode == 429);
    }
}
