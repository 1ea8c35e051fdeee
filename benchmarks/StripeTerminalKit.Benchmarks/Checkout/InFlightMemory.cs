using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Checkout.Runtime;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Benchmarks.Checkout;

/// <summary>
/// <c>-- inflight [n]</c>: memory held per checkout in flight. Starts n checkouts (10,000 by
/// default) on n readers whose customers never come, waits until every one is waiting for its
/// customer, and measures the managed heap after a full collection. The emulator's own share
/// (the PaymentIntents, reader actions, events and request log that the same create + process
/// calls leave in it) is measured the same way with hand-written Stripe.net calls and taken off.
/// </summary>
internal static class InFlightMemory
{
    public static async Task<int> RunAsync(string[] args)
    {
        var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var emulatorShare = await EmulatorShareAsync(n);
        var (total, waiting) = await KitAsync(n);
        var kit = total - emulatorShare;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{waiting} of {n} checkouts waiting for their customer: {total / 1024.0:0.0} KB per checkout in the process, of which the emulator holds {emulatorShare / 1024.0:0.0} KB; the kit holds {kit / 1024.0:0.0} KB per checkout ({kit * n / 1024.0 / 1024.0:0.0} MB for {n}; target 16 KB: {(kit <= 16 * 1024 ? "met" : "MISSED")})."));
        return 0;
    }

    private static async Task<(double PerCheckout, int Waiting)> KitAsync(int n)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = time, Seed = 3 });
        var readers = await RegisterAsync(emulator, n);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        // Memory, not pacing: the write limit would hold all but the first 20 of the 10,000 starts on
        // the fake clock, so the whole burst may go at once.
        services.LiftRequestLimits(time, writesPerSecond: n * 2 + 10);
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator(emulator).AddCheckout();
        await using var provider = services.BuildServiceProvider();
        var checkout = provider.GetRequiredService<ITerminalCheckout>();
        var runtime = (TerminalCheckout)checkout;

        // Warm up every path once (JIT, caches, pools), then count from a clean heap.
        var warm = await checkout.StartAsync(new CheckoutRequest { CheckoutId = "warm", ReaderId = readers[0], Amount = 1000, Currency = "aud" });
        await runtime.Work.WhenIdleAsync();
        await checkout.CancelAsync("warm");
        await runtime.Work.WhenIdleAsync();
        _ = warm;
        var before = Heap();

        var handles = new CheckoutHandle[n];
        for (var i = 0; i < n; i++)
        {
            handles[i] = await checkout.StartAsync(new CheckoutRequest { CheckoutId = "sale-" + i, ReaderId = readers[i], Amount = 1000 + i, Currency = "aud" });
        }

        await runtime.Work.WhenIdleAsync();
        var after = Heap();
        var waiting = handles.Count(h => h.State == CheckoutState.WaitingForCustomer);
        var record = await provider.GetRequiredService<ICheckoutStore>().LoadAsync("sale-0");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Stored state of one checkout: {record!.StateJson.Length} characters of JSON."));
        GC.KeepAlive(handles);
        return ((after - before) / (double)n, waiting);
    }

    private static async Task<double> EmulatorShareAsync(int n)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = time, Seed = 3 });
        // The warm-up has a reader of its own: a reader takes one action at a time (terminal_reader_busy).
        var readers = await RegisterAsync(emulator, n + 1);
        var stripe = emulator.CreateStripeClient();
        await SendAsync(stripe, readers[n], "warm");
        var before = Heap();
        for (var i = 0; i < n; i++)
        {
            await SendAsync(stripe, readers[i], "sale-" + i);
        }

        var after = Heap();
        GC.KeepAlive(stripe);
        return (after - before) / (double)n;
    }

    private static async Task SendAsync(StripeClient stripe, string reader, string checkoutId)
    {
        var pi = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "aud",
            AllowedPaymentMethodTypes = ["card_present"],
            CaptureMethod = "automatic",
            PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions { CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions { CaptureMethod = "manual_preferred" } },
            Metadata = new Dictionary<string, string> { ["stk_checkout_id"] = checkoutId },
        }, new RequestOptions { IdempotencyKey = "stk:" + checkoutId + ":create:1" });
        await stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(reader, new ReaderProcessPaymentIntentOptions { PaymentIntent = pi.Id },
            new RequestOptions { IdempotencyKey = "stk:" + checkoutId + ":process:1" });
    }

    private static async Task<string[]> RegisterAsync(StripeEmulator emulator, int n)
    {
        var stripe = emulator.CreateStripeClient();
        var location = await stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
        {
            DisplayName = "Memory",
            Address = new AddressOptions { Line1 = "1 Collins St", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
        });
        var readers = new string[n];
        for (var i = 0; i < n; i++)
        {
            readers[i] = (await stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-s700", Location = location.Id })).Id;
        }

        return readers;
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
