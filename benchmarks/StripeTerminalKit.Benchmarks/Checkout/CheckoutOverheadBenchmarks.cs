using System.Collections.Concurrent;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Benchmarks.Checkout;

/// <summary>
/// One whole card-present checkout, end to end on the in-process emulator with real time: create
/// the PaymentIntent, hand it to the reader, the customer taps at once, learn the outcome from the
/// signed webhook, capture. The kit (<see cref="ITerminalCheckout"/> wired as a user wires it) is
/// measured against the same calls written by hand with Stripe.net, which learns the outcome from
/// the same webhook verified with <c>EventUtility.ConstructEvent</c>.
/// </summary>
[MemoryDiagnoser]
public class CheckoutOverheadBenchmarks
{
    private const string Secret = "whsec_overhead_benchmark";
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _authorised = new(StringComparer.Ordinal);
    private StripeEmulator _emulator = null!;
    private ServiceProvider _services = null!;
    private ITerminalCheckout _kit = null!;
    private StripeClient _stripe = null!;
    private string _readerId = null!;
    private int _sale;
    private long _lastSequence;

    [GlobalSetup(Target = nameof(Kit))]
    public void SetupKit()
    {
        SetupEmulator();
        var services = new ServiceCollection();
        // Overhead, not pacing: back to back, both sides make about a thousand checkouts a second,
        // far past the kit's write limit, which would make every kit checkout wait ~50 ms for its
        // turn while the raw side paces nothing. Reads too: when the webhook overtakes the answer
        // to the hand-over (the emulator taps at once), the kit reads the reader and the
        // PaymentIntent before capturing, and at the default 10 reads a second those reads waited
        // up to 100 ms for their turn (a few checkouts in a thousand, most of the kit's mean).
        services.LiftRequestLimits(TimeProvider.System, writesPerSecond: 10_000, readsPerSecond: 10_000);
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator(_emulator).AddCheckout();
        services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(Secret));
        _services = services.BuildServiceProvider();
        _kit = _services.GetRequiredService<ITerminalCheckout>();
        var processor = _services.GetRequiredService<IStripeWebhookProcessor>();
        _emulator.Webhooks.Subscribe(
            async (delivery, ct) => await processor.ProcessAsync(Encoding.UTF8.GetBytes(delivery.Payload), delivery.SignatureHeader, ct),
            Fleet.FleetWorld.SubscribedEvents);

        // Webhooks are seen working (as after the first payment of the day), so nothing polls.
        Kit().GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(RawStripeNet))]
    public void SetupRaw()
    {
        SetupEmulator();
        _emulator.Webhooks.Subscribe((delivery, _) =>
        {
            var evt = EventUtility.ConstructEvent(delivery.Payload, delivery.SignatureHeader, Secret);
            if (evt.Type is EventTypes.PaymentIntentAmountCapturableUpdated && evt.Data.Object is PaymentIntent pi
                && _authorised.TryRemove(pi.Id, out var waiter))
            {
                waiter.TrySetResult();
            }

            return Task.CompletedTask;
        }, Fleet.FleetWorld.SubscribedEvents);
    }

    private void SetupEmulator()
    {
        _emulator = new StripeEmulator(new StripeEmulatorOptions { WebhookSecret = Secret, Seed = 7 });
        _stripe = _emulator.CreateStripeClient();
        var location = _stripe.V1.Terminal.Locations.Create(new LocationCreateOptions
        {
            DisplayName = "Bench",
            Address = new AddressOptions { Line1 = "1 Collins St", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
        });
        _readerId = _stripe.V1.Terminal.Readers.Create(new ReaderCreateOptions { RegistrationCode = "simulated-s700", Location = location.Id }).Id;

        // The customer taps a Visa card as soon as the reader asks.
        _emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa));
    }

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    internal async Task CleanupAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _emulator.DisposeAsync();
    }

    /// <summary>The kit: <c>RunAsync</c> from start to the captured result.</summary>
    [Benchmark(Description = "Kit: ITerminalCheckout.RunAsync")]
    public async Task<CheckoutResult> Kit()
    {
        var sale = Interlocked.Increment(ref _sale);
        var result = await _kit.RunAsync(new CheckoutRequest
        {
            CheckoutId = "sale-" + sale,
            ReaderId = _readerId,
            Amount = 1000,
            Currency = "aud",
        });
        return result is CheckoutSucceeded ? result : throw new InvalidOperationException("checkout did not succeed: " + result);
    }

    /// <summary>
    /// One checkout of this side (<see cref="Kit"/> or <see cref="RawStripeNet"/>), timed in phases
    /// for <c>-- probe</c> with <c>PROBE_TRACE=1</c>: <paramref name="phases"/> gets the gaps between
    /// the call's start, the three Stripe requests (as the emulator finishes them) and its end.
    /// </summary>
    internal async Task TracedAsync(Func<Task> body, double[] phases)
    {
        // Skip what came before (the set-up's requests, untraced checkouts).
        for (var page = _emulator.GetRequestLog(_lastSequence, 1000); page.Count > 0; page = _emulator.GetRequestLog(_lastSequence, 1000))
        {
            _lastSequence = page[^1].Sequence;
        }

        var start = TimeProvider.System.GetUtcNow();
        await body();
        var end = TimeProvider.System.GetUtcNow();
        var marks = new List<DateTimeOffset> { start };
        foreach (var record in _emulator.GetRequestLog(_lastSequence, 10))
        {
            marks.Add(record.At);
            _lastSequence = record.Sequence;
        }

        marks.Add(end);
        for (var g = 0; g < phases.Length; g++)
        {
            phases[g] = g + 1 < marks.Count ? (marks[g + 1] - marks[g]).TotalMicroseconds : double.NaN;
        }
    }

    /// <summary>
    /// The same calls by hand, with the same parameters the kit sends (the customer may cancel on the
    /// reader; the capture names its amount): create, process, wait for the signed webhook, capture.
    /// </summary>
    [Benchmark(Baseline = true, Description = "Raw Stripe.net: create, process, webhook, capture")]
    public async Task<PaymentIntent> RawStripeNet()
    {
        var sale = Interlocked.Increment(ref _sale);
        var pi = await CreateAsync(sale);
        var authorised = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _authorised[pi.Id] = authorised;
        await _stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(
            _readerId,
            new ReaderProcessPaymentIntentOptions { PaymentIntent = pi.Id, ProcessConfig = new ReaderProcessConfigOptions { EnableCustomerCancellation = true } },
            new RequestOptions { IdempotencyKey = $"raw:{sale}:process" });
        await authorised.Task;
        return await CaptureAsync(pi.Id, sale);
    }

    private Task<PaymentIntent> CreateAsync(int sale) => _stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
    {
        Amount = 1000,
        Currency = "aud",
        AllowedPaymentMethodTypes = ["card_present"],
        CaptureMethod = "automatic",
        PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions { CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions { CaptureMethod = "manual_preferred" } },
        Metadata = new Dictionary<string, string> { ["stk_checkout_id"] = "raw-" + sale },
    }, new RequestOptions { IdempotencyKey = $"raw:{sale}:create" });

    private Task<PaymentIntent> CaptureAsync(string id, int sale) => _stripe.V1.PaymentIntents.CaptureAsync(id,
        new PaymentIntentCaptureOptions { AmountToCapture = 1000, Expand = ["latest_charge"] }, new RequestOptions { IdempotencyKey = $"raw:{sale}:capture" });
}
