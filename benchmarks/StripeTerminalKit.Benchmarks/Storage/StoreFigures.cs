using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Stripe.Terminal;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Storage.Sqlite;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Benchmarks.Storage;

/// <summary>
/// <c>-- stores [checkouts] [readers]</c>: the checkout stores side by side in one run.
/// (1) Store operations one at a time (insert, compare-and-set update, load, reader claim):
/// latency p50/p99 for the in-memory store and the SQLite store (WAL, fsync on every commit).
/// (2) Checkouts per second for one kit instance on the in-process emulator (webhooks on,
/// customers tapping at once, <c>readers</c> tills in parallel), on each store.
/// </summary>
internal static class StoreFigures
{
    public static async Task<int> RunAsync(string[] args)
    {
        var checkouts = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000;
        var readers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var folder = Path.Combine(Path.GetTempPath(), "stk-store-figures-" + Guid.NewGuid().ToString("N"));
        try
        {
            Console.WriteLine("Store operations (one at a time, 2,000 checkouts' worth; µs):");
            Console.WriteLine("| Store | insert p50 | p99 | CAS update p50 | p99 | load p50 | p99 | claim p50 | p99 |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            await OperationsAsync("in memory", new InMemoryCheckoutStore());
            await OperationsAsync("SQLite", new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = Path.Combine(folder, "ops.db") }));

            Console.WriteLine();
            Console.WriteLine($"Checkouts on the emulator ({checkouts} checkouts, {readers} readers in parallel, webhooks on):");
            Console.WriteLine("| Store | checkouts/s | mean ms per checkout | saves per checkout |");
            Console.WriteLine("|---|---:|---:|---:|");

            // A warm-up run of each first (JIT, pools), then the measured runs side by side.
            await CheckoutsAsync(new InMemoryCheckoutStore(), 200, readers, print: null);
            await CheckoutsAsync(new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = Path.Combine(folder, "warm.db") }), 200, readers, print: null);
            await CheckoutsAsync(new InMemoryCheckoutStore(), checkouts, readers, print: "in memory");
            await CheckoutsAsync(new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = Path.Combine(folder, "run.db") }), checkouts, readers, print: "SQLite");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task OperationsAsync(string name, ICheckoutStore store)
    {
        const int N = 2_000;
        var document = new string('x', 1_400); // about the size of a stored checkout document
        var at = DateTimeOffset.UtcNow;
        var insert = new double[N];
        var update = new double[N];
        var load = new double[N];
        var claim = new double[N];
        for (var i = 0; i < N; i++)
        {
            var id = "order-" + i.ToString(CultureInfo.InvariantCulture);
            var record = new CheckoutRecord(id, "tmr_" + (i % 50).ToString(CultureInfo.InvariantCulture), CheckoutState.WaitingForCustomer, false, document, 1, at);
            insert[i] = await TimeAsync(async () => await store.SaveAsync(record, 0));
            update[i] = await TimeAsync(async () => await store.SaveAsync(record with { Version = 2, State = CheckoutState.Capturing }, 1));
            load[i] = await TimeAsync(async () => await store.LoadAsync(id));
            claim[i] = await TimeAsync(async () =>
            {
                await store.TryClaimReaderAsync("tmr_claims", id);
                await store.ReleaseReaderAsync("tmr_claims", id);
            });
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {P(insert, 50):0.0} | {P(insert, 99):0.0} | {P(update, 50):0.0} | {P(update, 99):0.0} | {P(load, 50):0.0} | {P(load, 99):0.0} | {P(claim, 50):0.0} | {P(claim, 99):0.0} |"));
    }

    private static async Task CheckoutsAsync(ICheckoutStore store, int checkouts, int readerCount, string? print)
    {
        await using var emulator = new StripeEmulator(new StripeEmulatorOptions { Seed = 11, WebhookSecret = "whsec_" + new string('0', 32) });
        var stripe = emulator.CreateStripeClient();
        var location = await stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
        {
            DisplayName = "Figures",
            Address = new Stripe.AddressOptions { Line1 = "1 Collins St", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
        });
        var readers = new string[readerCount];
        for (var i = 0; i < readerCount; i++)
        {
            readers[i] = (await stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-s700", Location = location.Id })).Id;
        }

        var counting = new CountingStore(store);
        var services = new ServiceCollection();
        services.AddSingleton<ICheckoutStore>(counting);
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator(emulator).AddCheckout();
        services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(emulator.Webhooks.Secret));
        await using var provider = services.BuildServiceProvider();
        var processor = provider.GetRequiredService<IStripeWebhookProcessor>();
        using var subscription = emulator.Webhooks.Subscribe(async (delivery, ct) =>
            await processor.ProcessAsync(System.Text.Encoding.UTF8.GetBytes(delivery.Payload), delivery.SignatureHeader, ct));
        emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.Zero));
        var checkout = provider.GetRequiredService<ITerminalCheckout>();

        var perReader = checkouts / readerCount;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(readers.Select((reader, r) => Task.Run(async () =>
        {
            for (var i = 0; i < perReader; i++)
            {
                var result = await checkout.RunAsync(new CheckoutRequest
                {
                    CheckoutId = string.Create(CultureInfo.InvariantCulture, $"sale-{r}-{i}"),
                    ReaderId = reader,
                    Amount = 1000 + (100 * (i % 500)), // whole dollars: never an emulator test-decline amount
                    Currency = "aud",
                });
                if (result is not CheckoutSucceeded)
                {
                    throw new InvalidOperationException($"Checkout sale-{r}-{i} ended {result.Outcome}.");
                }
            }
        })));
        watch.Stop();
        var done = perReader * readerCount;
        if (print is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {print} | {done / watch.Elapsed.TotalSeconds:0.0} | {watch.Elapsed.TotalMilliseconds * readerCount / done:0.0} | {counting.Saves / (double)done:0.00} |"));
        }
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    private static double P(double[] values, int percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];
    }

    private sealed class CountingStore(ICheckoutStore inner) : ICheckoutStore
    {
        private long _saves;

        public long Saves => Interlocked.Read(ref _saves);

        public ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _saves);
            return inner.SaveAsync(record, replacesVersion, cancellationToken);
        }

        public ValueTask<CheckoutRecord?> LoadAsync(string checkoutId, CancellationToken cancellationToken = default) => inner.LoadAsync(checkoutId, cancellationToken);

        public IAsyncEnumerable<CheckoutRecord> ListUnfinishedAsync(CancellationToken cancellationToken = default) => inner.ListUnfinishedAsync(cancellationToken);

        public IAsyncEnumerable<CheckoutRecord> ListByStateAsync(CheckoutState state, CancellationToken cancellationToken = default) => inner.ListByStateAsync(state, cancellationToken);

        public ValueTask<bool> TryClaimReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default) => inner.TryClaimReaderAsync(readerId, checkoutId, cancellationToken);

        public ValueTask ReleaseReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default) => inner.ReleaseReaderAsync(readerId, checkoutId, cancellationToken);

        public ValueTask<string?> GetReaderHolderAsync(string readerId, CancellationToken cancellationToken = default) => inner.GetReaderHolderAsync(readerId, cancellationToken);

        public ValueTask<int> PurgeCompletedAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default) => inner.PurgeCompletedAsync(completedBefore, cancellationToken);
    }
}
