using BenchmarkDotNet.Attributes;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Benchmarks.Emulator;

/// <summary>
/// The emulator's in-process throughput through Stripe.net: one operation is one Stripe API
/// request (or, for the payment, the five requests of a full card-present payment), so
/// requests per second = 1 / mean (× 5 for the payment).
/// </summary>
[MemoryDiagnoser]
public class EmulatorThroughputBenchmarks
{
    private StripeEmulator _emulator = null!;
    private StripeClient _stripe = null!;
    private string _readerId = null!;
    private string _paymentIntentId = null!;

    [GlobalSetup]
    public void Setup()
    {
        _emulator = new StripeEmulator();
        _stripe = _emulator.CreateStripeClient();
        var location = _stripe.V1.Terminal.Locations.Create(new LocationCreateOptions
        {
            DisplayName = "Bench",
            Address = new AddressOptions { Line1 = "1 Collins St", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
        });
        _readerId = _stripe.V1.Terminal.Readers.Create(new ReaderCreateOptions { RegistrationCode = "simulated-s700", Location = location.Id }).Id;
        _paymentIntentId = _stripe.V1.PaymentIntents.Create(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud" }).Id;
    }

    [GlobalCleanup]
    public void Cleanup() => _emulator.Dispose();

    [Benchmark(Description = "GET /v1/payment_intents/{id}")]
    public Task<PaymentIntent> RetrievePaymentIntent() => _stripe.V1.PaymentIntents.GetAsync(_paymentIntentId);

    [Benchmark(Description = "POST /v1/payment_intents")]
    public Task<PaymentIntent> CreatePaymentIntent() => _stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
    {
        Amount = 1000,
        Currency = "aud",
        AllowedPaymentMethodTypes = ["card_present"],
        PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions { CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions { CaptureMethod = "manual_preferred" } },
    });

    [Benchmark(Description = "Full payment (5 requests)")]
    public async Task<PaymentIntent> FullPayment()
    {
        var pi = await CreatePaymentIntent();
        await _stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(_readerId, new ReaderProcessPaymentIntentOptions { PaymentIntent = pi.Id });
        await _stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(_readerId);
        await _stripe.V1.PaymentIntents.GetAsync(pi.Id);
        return await _stripe.V1.PaymentIntents.CaptureAsync(pi.Id);
    }
}
