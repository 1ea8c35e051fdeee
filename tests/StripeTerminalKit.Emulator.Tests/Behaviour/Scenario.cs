using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Stripe.Terminal;
using TestHelpers = Stripe.TestHelpers.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// One emulator on a fake clock with an Australian location and a simulated S700 registered,
/// and the few calls every behaviour test makes, spelled once. Everything goes through
/// Stripe.net as a POS backend would call it.
/// </summary>
internal sealed class Scenario : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private Scenario(FakeTimeProvider time, StripeEmulator emulator, StripeClient stripe)
    {
        Time = time;
        Emulator = emulator;
        Stripe = stripe;
    }

    public FakeTimeProvider Time { get; }

    public StripeEmulator Emulator { get; }

    public StripeClient Stripe { get; }

    public string LocationId { get; private set; } = "";

    public string ReaderId { get; private set; } = "";

    public static async Task<Scenario> StartAsync(Action<StripeEmulatorOptions>? configure = null, string registrationCode = "simulated-s700")
    {
        var time = new FakeTimeProvider(Start);
        var options = new StripeEmulatorOptions { TimeProvider = time, Seed = 7 };
        configure?.Invoke(options);
        var emulator = new StripeEmulator(options);
        var scenario = new Scenario(time, emulator, emulator.CreateStripeClient());
        var location = await scenario.Stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
        {
            DisplayName = "Cafe",
            Address = new AddressOptions { Line1 = "1 Collins St", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
        });
        scenario.LocationId = location.Id;
        scenario.ReaderId = await scenario.AddReaderAsync(registrationCode);
        return scenario;
    }

    public async Task<string> AddReaderAsync(string registrationCode = "simulated-s700")
    {
        var reader = await Stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = registrationCode, Location = LocationId });
        return reader.Id;
    }

    public Task<PaymentIntent> CreatePaymentIntentAsync(
        long amount,
        string currency = "aud",
        string? captureMethod = null,
        string? cardPresentCapture = null,
        string? routing = null,
        string[]? types = null,
        bool incremental = false,
        RequestOptions? requestOptions = null)
    {
        var options = new PaymentIntentCreateOptions
        {
            Amount = amount,
            Currency = currency,
            AllowedPaymentMethodTypes = [.. types ?? ["card_present"]],
            CaptureMethod = captureMethod,
        };
        if (cardPresentCapture is not null || routing is not null || incremental)
        {
            options.PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions
            {
                CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions
                {
                    CaptureMethod = cardPresentCapture,
                    Routing = routing is null ? null : new PaymentIntentPaymentMethodOptionsCardPresentRoutingOptions { RequestedPriority = routing },
                    RequestIncrementalAuthorizationSupport = incremental ? true : null,
                },
            };
        }

        return Stripe.V1.PaymentIntents.CreateAsync(options, requestOptions);
    }

    public Task<Reader> ProcessAsync(string paymentIntentId, ReaderProcessConfigOptions? config = null, string? readerId = null, RequestOptions? requestOptions = null) =>
        Stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(readerId ?? ReaderId, new ReaderProcessPaymentIntentOptions { PaymentIntent = paymentIntentId, ProcessConfig = config }, requestOptions);

    public Task<Reader> CollectAsync(string paymentIntentId, ReaderCollectConfigOptions? config = null, string? readerId = null) =>
        Stripe.V1.Terminal.Readers.CollectPaymentMethodAsync(readerId ?? ReaderId, new ReaderCollectPaymentMethodOptions { PaymentIntent = paymentIntentId, CollectConfig = config });

    public Task<Reader> ConfirmAsync(string paymentIntentId, string? readerId = null) =>
        Stripe.V1.Terminal.Readers.ConfirmPaymentIntentAsync(readerId ?? ReaderId, new ReaderConfirmPaymentIntentOptions { PaymentIntent = paymentIntentId });

    public Task<Reader> PresentAsync(string? card = TestCards.Visa, long? tip = null, string? readerId = null, string type = "card_present")
    {
        var options = new TestHelpers.ReaderPresentPaymentMethodOptions { Type = type, AmountTip = tip };
        if (card is not null && type == "interac_present")
        {
            options.InteracPresent = new TestHelpers.ReaderInteracPresentOptions { Number = card };
        }
        else if (card is not null)
        {
            options.CardPresent = new TestHelpers.ReaderCardPresentOptions { Number = card };
        }

        return Stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(readerId ?? ReaderId, options);
    }

    public Task<Reader> CancelActionAsync(string? readerId = null) =>
        Stripe.V1.Terminal.Readers.CancelActionAsync(readerId ?? ReaderId);

    public Task<Reader> GetReaderAsync(string? readerId = null) =>
        Stripe.V1.Terminal.Readers.GetAsync(readerId ?? ReaderId);

    public Task<PaymentIntent> GetPaymentIntentAsync(string id) =>
        Stripe.V1.PaymentIntents.GetAsync(id, new PaymentIntentGetOptions { Expand = ["latest_charge"] });

    /// <summary>Creates a PaymentIntent, processes it on the reader and taps <paramref name="card"/>.</summary>
    public async Task<(PaymentIntent Intent, Reader Reader)> PayAsync(
        long amount,
        string card = TestCards.Visa,
        string? captureMethod = null,
        string? cardPresentCapture = null,
        string? routing = null,
        long? tip = null,
        string currency = "aud",
        string[]? types = null)
    {
        var pi = await CreatePaymentIntentAsync(amount, currency, captureMethod, cardPresentCapture, routing, types);
        await ProcessAsync(pi.Id);
        var reader = await PresentAsync(card, tip, type: types is ["interac_present"] ? "interac_present" : "card_present");
        return (await GetPaymentIntentAsync(pi.Id), reader);
    }

    /// <summary>Every event the emulator holds, oldest first, read through <c>GET /v1/events</c> page by page.</summary>
    public async Task<IReadOnlyList<(Event Event, string Json)>> EventsAsync()
    {
        var all = new List<(Event, string)>();
        string? startingAfter = null;
        while (true)
        {
            var page = await Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 100, StartingAfter = startingAfter });
            using var doc = JsonDocument.Parse(page.StripeResponse.Content);
            var raw = doc.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetRawText()).ToArray();
            Assert.Equal(page.Data.Count, raw.Length);
            for (var i = 0; i < raw.Length; i++)
            {
                all.Add((page.Data[i], raw[i]));
            }

            if (!page.HasMore)
            {
                break;
            }

            startingAfter = page.Data[^1].Id;
        }

        all.Reverse();
        return all;
    }

    /// <summary>The types of the events, oldest first.</summary>
    public async Task<IReadOnlyList<string>> EventTypesAsync() => (await EventsAsync()).Select(e => e.Event.Type).ToArray();

    /// <summary>Runs a call that must fail with a Stripe error, and returns the error.</summary>
    public static async Task<StripeException> FailsAsync(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<StripeException>(call);
        Assert.NotNull(e.StripeError);
        return e;
    }

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}
