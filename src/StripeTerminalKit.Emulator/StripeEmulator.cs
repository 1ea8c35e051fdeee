using Stripe;
using StripeTerminalKit.Emulator.Engine;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator;

/// <summary>
/// A stateful, thread-safe imitation of the Stripe API endpoints that a server-driven Terminal
/// integration uses: locations, readers and every reader action, the Terminal test helpers,
/// PaymentIntents, refunds, SetupIntents, events and signed webhooks — with Stripe's error bodies,
/// idempotency rules, test cards and test amounts, and seeded fault injection. No network, no key.
/// </summary>
/// <example>
/// <code>
/// await using var emulator = new StripeEmulator();
/// var stripe = emulator.CreateStripeClient();
/// var location = await stripe.V1.Terminal.Locations.CreateAsync(new() { DisplayName = "Shop", Address = new() { Country = "AU", State = "VIC", PostalCode = "3000", City = "Melbourne", Line1 = "1 Collins St" } });
/// </code>
/// </example>
public sealed class StripeEmulator : IDisposable, IAsyncDisposable
{
    /// <summary>The API version the emulator speaks, the one Stripe.net 53.1.0 pins.</summary>
    public const string ApiVersion = "2026-10-28.endive";

    /// <summary>Where the emulator server listens by default, as stripe-mock does; also the in-process base address.</summary>
    public const string DefaultApiBase = "http://127.0.0.1:12111";

    /// <summary>A test-mode API key the emulator accepts.</summary>
    public const string TestApiKey = "sk_test_emulator";

    private int _disposed;

    /// <summary>Creates an emulator with no objects in it.</summary>
    public StripeEmulator(StripeEmulatorOptions? options = null)
    {
        Options = options ?? new StripeEmulatorOptions();
        ArgumentNullException.ThrowIfNull(Options.TimeProvider);
        ArgumentException.ThrowIfNullOrEmpty(Options.WebhookSecret);
        var seed = Options.Seed;
        Faults = new EmulatorFaults(this, Options.TimeProvider, new Random(seed ^ 0x5EED_0001));
        Customer = new EmulatorCustomer(this);
        Webhooks = new EmulatorWebhooks(Options.TimeProvider, new Random(seed ^ 0x5EED_0002), Options.WebhookSecret);
        Engine = new EmulatorEngine(Options, Faults, Customer, Webhooks, new Random(seed));
    }

    /// <summary>The options the emulator was created with.</summary>
    public StripeEmulatorOptions Options { get; }

    /// <summary>The emulator's clock.</summary>
    public TimeProvider TimeProvider => Options.TimeProvider;

    /// <summary>Fault injection: request faults by rule, reader offline or dropped mid-payment.</summary>
    public EmulatorFaults Faults { get; }

    /// <summary>The simulated customer at the readers.</summary>
    public EmulatorCustomer Customer { get; }

    /// <summary>Signed webhook delivery to in-process subscribers and HTTP endpoints.</summary>
    public EmulatorWebhooks Webhooks { get; }

    /// <summary>Every request answered so far, with idempotency keys, status codes and injected faults.</summary>
    public IReadOnlyList<EmulatorRequestRecord> RequestLog => Engine.RequestLog;

    /// <summary>
    /// A page of the request log: the records whose <see cref="EmulatorRequestRecord.Sequence"/> is
    /// above <paramref name="afterSequence"/>, oldest first, at most <paramref name="limit"/> of them.
    /// Cheaper than <see cref="RequestLog"/> for a reader that follows a long log.
    /// </summary>
    /// <param name="afterSequence">The last sequence already read; 0 for the start of the log.</param>
    /// <param name="limit">The most records to return, at least 1.</param>
    /// <returns>The page; empty when nothing newer was answered.</returns>
    /// <example>
    /// <code>
    /// long seen = 0;
    /// foreach (var record in emulator.GetRequestLog(seen, 100)) { seen = record.Sequence; }
    /// </code>
    /// </example>
    public IReadOnlyList<EmulatorRequestRecord> GetRequestLog(long afterSequence, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return Engine.RequestLogAfter(afterSequence, limit);
    }

    internal EmulatorEngine Engine { get; }

    /// <summary>A consistent snapshot of PaymentIntents, charges, refunds and reader actions.</summary>
    public EmulatorLedger GetLedger() => Engine.Snapshot();

    /// <summary>
    /// An <see cref="HttpMessageHandler"/> that answers Stripe API requests in-process, whatever
    /// the host. A lost-response or connection fault surfaces as an <see cref="HttpRequestException"/>.
    /// </summary>
    public HttpMessageHandler CreateHttpMessageHandler() => new EmulatorHttpHandler(this);

    /// <summary>
    /// A Stripe.net client wired to this emulator in-process. Stripe.net's own retries are off by
    /// default so that a test sees every fault; pass <paramref name="maxNetworkRetries"/> to turn them on.
    /// </summary>
    public StripeClient CreateStripeClient(string apiKey = TestApiKey, int maxNetworkRetries = 0, string? stripeAccount = null)
    {
        var http = new HttpClient(CreateHttpMessageHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        return new StripeClient(new StripeClientOptions
        {
            ApiKey = apiKey,
            ApiBase = DefaultApiBase,
            StripeAccount = stripeAccount,
            HttpClient = new SystemNetHttpClient(http, maxNetworkRetries: maxNetworkRetries, enableTelemetry: false),
        });
    }

    internal Task<EmulatorResponse> SendAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Engine.HandleAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Engine.Dispose();
            Webhooks.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Engine.Dispose();
            await Webhooks.DisposeAsync().ConfigureAwait(false);
        }
    }
}
