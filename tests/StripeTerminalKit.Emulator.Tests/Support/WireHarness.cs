using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Stripe.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Support;

/// <summary>
/// An emulator on a fake clock with Stripe.net clients whose every response is validated against
/// the OpenAPI subset (<see cref="ConformanceHandler"/>), plus shortcuts for the objects most
/// tests need. Dispose it at the end of the test: it fails the test if any body broke the spec.
/// </summary>
internal sealed class WireHarness : IAsyncDisposable
{
    public const string ApiKey = "sk_test_wire_4eC39HqLyjWDarjtT1zdp7dc";

    public static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private readonly List<HttpClient> _httpClients = [];

    public WireHarness(int seed = 7, Action<StripeEmulatorOptions>? configure = null)
    {
        Time = new FakeTimeProvider(Start);
        var options = new StripeEmulatorOptions { TimeProvider = Time, Seed = seed };
        configure?.Invoke(options);
        Emulator = new StripeEmulator(options);
        Stripe = Client();

        // Webhook payloads are bodies too: every event delivered is checked like a response.
        Emulator.Webhooks.Subscribe((delivery, _) =>
        {
            Conformance.CheckEvent(delivery.Event.Json);
            return Task.CompletedTask;
        });
    }

    public FakeTimeProvider Time { get; }

    public StripeEmulator Emulator { get; }

    public ResponseConformance Conformance { get; } = new();

    /// <summary>A platform-account client with the test key.</summary>
    public StripeClient Stripe { get; }

    /// <summary>A Stripe.net client as the brief prescribes: our handler chain, retries off.</summary>
    public StripeClient Client(string? stripeAccount = null, string apiKey = ApiKey)
    {
        var http = NewHttpClient();
        return new StripeClient(new StripeClientOptions
        {
            ApiKey = apiKey,
            ApiBase = StripeEmulator.DefaultApiBase,
            StripeAccount = stripeAccount,
            HttpClient = new SystemNetHttpClient(http, maxNetworkRetries: 0, enableTelemetry: false),
        });
    }

    /// <summary>A raw HttpClient on the same validated handler chain, authorised with the test key.</summary>
    public HttpClient RawHttp(string? apiKey = ApiKey)
    {
        var http = NewHttpClient();
        http.BaseAddress = new Uri(StripeEmulator.DefaultApiBase);
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return http;
    }

    /// <summary>Sends a raw form (POST) or query (GET, DELETE) on the validated chain; answers the status and parsed body.</summary>
    public async Task<RawResponse> SendAsync(HttpMethod method, string path, string? form = null, string? apiKey = ApiKey, string? stripeAccount = null)
    {
        using var http = RawHttp(apiKey);
        using var request = new HttpRequestMessage(method, method == HttpMethod.Post || form is null ? path : path + "?" + form);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent(form ?? "", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        }

        if (stripeAccount is not null)
        {
            request.Headers.Add("Stripe-Account", stripeAccount);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var requestId = response.Headers.TryGetValues("Request-Id", out var ids) ? ids.Single() : null;
        return new RawResponse(response.StatusCode, System.Text.Json.JsonDocument.Parse(body).RootElement.Clone(), requestId, body);
    }

    private HttpClient NewHttpClient()
    {
        var http = new HttpClient(new ConformanceHandler(Conformance, Emulator.CreateHttpMessageHandler()), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _httpClients.Add(http);
        return http;
    }

    public Task<Location> CreateLocationAsync(string displayName = "Collins St", StripeClient? client = null) =>
        (client ?? Stripe).V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
        {
            DisplayName = displayName,
            Address = new AddressOptions { Line1 = "1 Collins St", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
        });

    public async Task<Reader> RegisterReaderAsync(string registrationCode = "simulated-s700", string? locationId = null, StripeClient? client = null)
    {
        locationId ??= (await CreateLocationAsync(client: client)).Id;
        return await (client ?? Stripe).V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = registrationCode, Location = locationId });
    }

    public Task<PaymentIntent> CreateIntentAsync(long amount = 1000, string? cardPresentCapture = null, string currency = "aud", StripeClient? client = null, bool incremental = false) =>
        (client ?? Stripe).V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = amount,
            Currency = currency,
            AllowedPaymentMethodTypes = ["card_present"],
            PaymentMethodOptions = cardPresentCapture is null && !incremental ? null : new PaymentIntentPaymentMethodOptionsOptions
            {
                CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions
                {
                    CaptureMethod = cardPresentCapture,
                    RequestIncrementalAuthorizationSupport = incremental ? true : null,
                },
            },
        });

    /// <summary>Hands the PaymentIntent to the reader and taps <paramref name="card"/>; returns the PaymentIntent after.</summary>
    public async Task<PaymentIntent> PayOnReaderAsync(Reader reader, PaymentIntent intent, string card = TestCards.Visa, StripeClient? client = null)
    {
        var stripe = client ?? Stripe;
        await stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = intent.Id });
        await stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(reader.Id, new global::Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions
        {
            Type = "card_present",
            CardPresent = new global::Stripe.TestHelpers.Terminal.ReaderCardPresentOptions { Number = card },
        });
        return await stripe.V1.PaymentIntents.GetAsync(intent.Id);
    }

    /// <summary>A PaymentIntent paid on a fresh reader: <c>succeeded</c>, or <c>requires_capture</c> when <paramref name="manual"/>.</summary>
    public async Task<PaymentIntent> PaidIntentAsync(long amount = 1000, bool manual = false, string card = TestCards.Visa, Reader? reader = null, StripeClient? client = null, bool incremental = false)
    {
        reader ??= await RegisterReaderAsync(client: client);
        var intent = await CreateIntentAsync(amount, manual ? "manual" : null, client: client, incremental: incremental);
        return await PayOnReaderAsync(reader, intent, card, client);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var http in _httpClients)
        {
            http.Dispose();
        }

        await Emulator.Webhooks.DrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Emulator.DisposeAsync();
        // A response's violations already failed its call; report only the webhook payloads' here,
        // so that this never masks the exception a test body threw.
        var violations = Conformance.UnsurfacedViolations;
        Assert.True(violations.Count == 0, "Responses that break the OpenAPI subset:" + Environment.NewLine + string.Join(Environment.NewLine, violations));
    }
}

/// <summary>A raw answer: status, parsed body, <c>Request-Id</c>.</summary>
internal sealed record RawResponse(System.Net.HttpStatusCode Status, System.Text.Json.JsonElement Json, string? RequestId, string Body)
{
    public System.Text.Json.JsonElement Error => Json.GetProperty("error");

    public string? ErrorCode => Error.TryGetProperty("code", out var c) ? c.GetString() : null;

    public string? ErrorParam => Error.TryGetProperty("param", out var p) ? p.GetString() : null;

    public string ErrorType => Error.GetProperty("type").GetString()!;

    public string ErrorMessage => Error.GetProperty("message").GetString()!;
}
