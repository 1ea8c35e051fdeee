using System.Collections.Concurrent;
using Stripe;
using Stripe.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// Many Stripe.net clients at once against one emulator: every request answered, no lost update,
/// counts exact, idempotency holding under contention, and the money adding up.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Tasks = 8;
    private const int RequestsPerTask = 200;

    [Fact]
    public async Task Eight_clients_times_200_requests_on_shared_objects_lose_no_update()
    {
        await using var s = await Scenario.StartAsync();
        var shared = await s.CreatePaymentIntentAsync(1000);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var created = new ConcurrentBag<string>();

        var workers = Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var stripe = s.Emulator.CreateStripeClient();
            await start.Task;
            for (var i = 0; i < RequestsPerTask; i++)
            {
                switch (i % 4)
                {
                    case 0:
                        await stripe.V1.PaymentIntents.UpdateAsync(shared.Id, new PaymentIntentUpdateOptions { Metadata = new Dictionary<string, string> { [$"task{t}"] = i.ToString() } });
                        break;
                    case 1:
                        await stripe.V1.Terminal.Readers.UpdateAsync(s.ReaderId, new ReaderUpdateOptions { Metadata = new Dictionary<string, string> { [$"task{t}"] = i.ToString() } });
                        break;
                    case 2:
                        var pi = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
                        {
                            Amount = 100 + i,
                            Currency = "aud",
                            AllowedPaymentMethodTypes = ["card_present"],
                            Metadata = new Dictionary<string, string> { ["task"] = t.ToString(), ["i"] = i.ToString() },
                        });
                        created.Add(pi.Id);
                        break;
                    default:
                        await stripe.V1.PaymentIntents.GetAsync(shared.Id);
                        break;
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);

        var final = await s.GetPaymentIntentAsync(shared.Id);
        var reader = await s.GetReaderAsync();
        var lastUpdate = (RequestsPerTask - 1) / 4 * 4; // the last i with i % 4 == 0
        for (var t = 0; t < Tasks; t++)
        {
            Assert.Equal(lastUpdate.ToString(), final.Metadata[$"task{t}"]);
            Assert.Equal((lastUpdate + 1).ToString(), reader.Metadata[$"task{t}"]);
        }

        var perTaskCreates = RequestsPerTask / 4;
        Assert.Equal(Tasks * perTaskCreates, created.Distinct().Count());
        Assert.Equal(Tasks * perTaskCreates + 1, s.Emulator.GetLedger().PaymentIntents.Count);
        Assert.Equal(Tasks * RequestsPerTask, s.Emulator.RequestLog.Count(r => r.StatusCode == 200) - 3 - 2);
        Assert.DoesNotContain(s.Emulator.RequestLog, r => r.StatusCode != 200);
        Assert.Equal(Tasks * perTaskCreates + 1, (await s.EventsAsync()).Count(e => e.Event.Type == "payment_intent.created"));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_execute_once()
    {
        await using var s = await Scenario.StartAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int Keys = 40;
        var outcomes = new ConcurrentBag<(string Key, string? Id, int Status)>();

        var workers = Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var stripe = s.Emulator.CreateStripeClient();
            await start.Task;
            for (var k = 0; k < Keys; k++)
            {
                var key = $"order-{k}";
                try
                {
                    var pi = await stripe.V1.PaymentIntents.CreateAsync(
                        new PaymentIntentCreateOptions { Amount = 1000 + k, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] },
                        new RequestOptions { IdempotencyKey = key });
                    outcomes.Add((key, pi.Id, 200));
                }
                catch (StripeException e)
                {
                    outcomes.Add((key, null, (int)e.HttpStatusCode));
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);

        Assert.Equal(Keys, s.Emulator.GetLedger().PaymentIntents.Count);
        Assert.All(outcomes, o => Assert.Contains(o.Status, new[] { 200, 409 }));
        foreach (var group in outcomes.Where(o => o.Status == 200).GroupBy(o => o.Key))
        {
            Assert.Single(group.Select(o => o.Id).Distinct());
        }
    }

    [Fact]
    public async Task Payments_on_eight_readers_at_once_add_up()
    {
        await using var s = await Scenario.StartAsync();
        var readers = new List<string> { s.ReaderId };
        for (var i = 1; i < Tasks; i++)
        {
            readers.Add(await s.AddReaderAsync());
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int PaymentsPerReader = 10;
        var workers = readers.Select(readerId => Task.Run(async () =>
        {
            var stripe = s.Emulator.CreateStripeClient();
            await start.Task;
            for (var i = 0; i < PaymentsPerReader; i++)
            {
                var pi = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"], CaptureMethod = "manual" });
                await stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(readerId, new ReaderProcessPaymentIntentOptions { PaymentIntent = pi.Id });
                await stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(readerId, new Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions
                {
                    Type = "card_present",
                    CardPresent = new Stripe.TestHelpers.Terminal.ReaderCardPresentOptions { Number = TestCards.Visa },
                    AmountTip = i % 2 == 0 ? 100 : null,
                });
                await stripe.V1.PaymentIntents.CaptureAsync(pi.Id);
                await stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 300 });
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);

        var ledger = s.Emulator.GetLedger();
        var total = Tasks * PaymentsPerReader;
        var tipped = Tasks * ((PaymentsPerReader + 1) / 2);
        Assert.Equal(total, ledger.PaymentIntents.Count(p => p.Status == "succeeded"));
        Assert.Equal(total, ledger.Charges.Count);
        Assert.Equal((total * 1000L) + (tipped * 100L), ledger.Charges.Sum(c => c.AmountCaptured));
        Assert.Equal(total * 300L, ledger.Refunds.Sum(r => r.Amount));
        Assert.All(ledger.Charges, c => Assert.Equal(300, c.AmountRefunded));
        Assert.Equal(total, ledger.ReaderActions.Count(a => a.Status == "succeeded"));
        Assert.Equal(total, (await s.EventsAsync()).Count(e => e.Event.Type == "terminal.reader.action_succeeded"));
    }
}
