using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Benchmarks.Webhooks;

/// <summary>
/// One signed <c>terminal.reader.action_succeeded</c> delivery, as the emulator signs it: the
/// kit's processor (verify the signature, read the event, drop duplicates, dispatch to a handler)
/// against Stripe.net's <c>EventUtility.ConstructEvent</c> alone (verify and deserialize, no
/// deduplication, no dispatch).
/// </summary>
[MemoryDiagnoser]
public class WebhookPathBenchmarks
{
    private const string Secret = "whsec_webhook_benchmark";
    private ServiceProvider _services = null!;
    private IStripeWebhookProcessor _processor = null!;
    private string _payload = null!;
    private byte[] _body = null!;
    private string _header = null!;
    private (byte[] Body, string Header)[] _fresh = null!;
    private int _n;

    [GlobalSetup]
    public void Setup()
    {
        using var emulator = new StripeEmulator(new StripeEmulatorOptions { WebhookSecret = Secret });
        var stripe = emulator.CreateStripeClient();
        var location = stripe.V1.Terminal.Locations.Create(new LocationCreateOptions
        {
            DisplayName = "Bench",
            Address = new AddressOptions { Line1 = "1 Collins St", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
        });
        var reader = stripe.V1.Terminal.Readers.Create(new ReaderCreateOptions { RegistrationCode = "simulated-s700", Location = location.Id });
        var pi = stripe.V1.PaymentIntents.Create(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud" });
        stripe.V1.Terminal.Readers.ProcessPaymentIntent(reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = pi.Id });
        EmulatorWebhookDelivery? captured = null;
        emulator.Webhooks.Subscribe((d, _) => { captured ??= d; return Task.CompletedTask; }, ["terminal.reader.action_succeeded"]);
        stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethod(reader.Id);
        emulator.Webhooks.DrainAsync().GetAwaiter().GetResult();
        _payload = captured!.Payload;
        _body = Encoding.UTF8.GetBytes(_payload);
        _header = captured.SignatureHeader;

        var services = new ServiceCollection();
        services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(Secret));
        services.AddSingleton<ITerminalWebhookHandler, CountingHandler>();
        _services = services.BuildServiceProvider();
        _processor = _services.GetRequiredService<IStripeWebhookProcessor>();

        // Deliveries with distinct event ids (same size, each signed), more than the processor
        // remembers, so cycling through them never hits deduplication.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var marker = "\"id\":\"evt_";
        var at = _payload.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        _fresh = new (byte[], string)[20_000];
        for (var i = 0; i < _fresh.Length; i++)
        {
            var payload = string.Concat(_payload.AsSpan(0, at), i.ToString("x6", System.Globalization.CultureInfo.InvariantCulture), _payload.AsSpan(at + 6));
            _fresh[i] = (Encoding.UTF8.GetBytes(payload), EventUtility.GenerateSignatureHeader(payload, Secret, now));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>Stripe.net alone: verify the signature and deserialize the whole event.</summary>
    [Benchmark(Baseline = true, Description = "Stripe.net EventUtility.ConstructEvent")]
    public Event ConstructEvent() => EventUtility.ConstructEvent(_payload, _header, Secret);

    /// <summary>The kit: verify, read what a checkout needs, deduplicate and dispatch to a handler.</summary>
    [Benchmark(Description = "Kit: verify + parse + dedup + dispatch")]
    public ValueTask<WebhookResult> Kit()
    {
        var (body, header) = _fresh[_n++ % _fresh.Length];
        return _processor.ProcessAsync(body, header);
    }

    /// <summary>A duplicate delivery: verified, recognised and acknowledged without dispatch.</summary>
    [Benchmark(Description = "Kit: duplicate delivery")]
    public ValueTask<WebhookResult> Duplicate() => _processor.ProcessAsync(_body, _header);

    private sealed class CountingHandler : ITerminalWebhookHandler
    {
        private int _count;

        public ValueTask HandleAsync(TerminalWebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return ValueTask.CompletedTask;
        }
    }
}
