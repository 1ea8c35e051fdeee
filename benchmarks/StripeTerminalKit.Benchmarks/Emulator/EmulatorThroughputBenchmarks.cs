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
    private HttpClient _raw = null!;

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
        _raw = new HttpClient(_emulator.CreateHttpMessageHandler()) { BaseAddress = new Uri(StripeEmulator.DefaultApiBase) };
        _raw.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", StripeEmulator.TestApiKey);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _emulator.Dispose();
    }

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

    /// <summary>The emulator alone, without Stripe.net's request encoding and response parsing.</summary>
    [Benchmark(Description = "POST /v1/payment_intents (raw HTTP, no Stripe.net)")]
    public async Task<int> CreatePaymentIntentRaw()
    {
        using var content = new StringContent("allowed_payment_method_types[0]=card_present&amount=1000&currency=aud&payment_method_options[card_present][capture_method]=manual_preferred", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _raw.PostAsync("/v1/payment_intents", content);
        return (await response.Content.ReadAsByteArrayAsync()).Length;
    }

    /// <summary>A read through the emulator alone.</summary>
    [Benchmark(Description = "GET /v1/payment_intents/{id} (raw HTTP, no Stripe.net)")]
    public async Task<int> RetrievePaymentIntentRaw()
    {
        using var response = await _raw.GetAsync("/v1/payment_intents/" + _paymentIntentId);
        return (await response.Content.ReadAsByteArrayAsync()).Length;
    }

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
