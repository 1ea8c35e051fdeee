using Microsoft.Extensions.Logging;
using StripeTerminalKit.TestHygiene;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>
/// The web sample on real Kestrel at 127.0.0.1 with a free port: the emulator's webhooks reach
/// the host's endpoint over loopback HTTP, and a browser can open the page. Always emulator mode:
/// an API key in the environment is blanked, so tests never reach Stripe.
/// </summary>
public sealed class WebSampleFactory : WebApplicationFactory<Program>
{
    public const string Till1Token = "test-till-1-token-0123456789";
    public const string Till2Token = "test-till-2-token-0123456789";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _environment;

    public WebSampleFactory()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>The sample with extra configuration (limits, readers, devices) and another environment.</summary>
    internal WebSampleFactory(IReadOnlyDictionary<string, string?> settings, string environment = "Testing")
    {
        _settings = settings;
        _environment = environment;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>Everything the sample logged (at every level), for the log tests.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>The address Kestrel listens on.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address);
        }
    }

    public StripeEmulator Emulator => Services.GetRequiredService<StripeEmulator>();

    /// <summary>An HTTP client to the real server, authenticated as a device (or not).</summary>
    public HttpClient Device(string? token = Till1Token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.ConfigureLogging(logging => logging.AddProvider(ScanningLoggerProvider.Instance).AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.UseSetting("STRIPE_API_KEY", "");
        builder.UseSetting("StripeTerminal:ApiKey", "");
        builder.UseSetting("PosDevices:till-1:Name", "Front till");
        builder.UseSetting("PosDevices:till-1:Token", Till1Token);
        builder.UseSetting("PosDevices:till-2:Name", "Coffee window");
        builder.UseSetting("PosDevices:till-2:Token", Till2Token);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>The checkout as the API returns it.</summary>
public sealed record Checkout(
    string CheckoutId,
    string ReaderId,
    long Amount,
    string State,
    bool Completed,
    string? PaymentIntentId,
    string? Outcome,
    long TipAmount,
    long AmountCaptured,
    long AmountRefunded,
    Card? Card,
    string? Reason,
    int Attempts)
{
    /// <summary>The EMV receipt fields, once paid.</summary>
    public Receipt? Receipt { get; init; }
}

public sealed record Card(string? Brand, string? Last4, string? Network);

public sealed record Receipt(
    string? ApplicationName,
    string? ApplicationId,
    string? AuthorizationResponseCode,
    string? AccountType,
    string? CardholderVerificationMethod,
    string? AuthorizationCode,
    string? EntryMode,
    string? ReaderId,
    string? LocationId);

public sealed record Reader(string Id, string Label, string DeviceType, string Status, bool Simulated);

public sealed record Operation([property: JsonPropertyName("operation")] string Kind, string Status, long Amount, string? RefundId, string? Rejection);

public sealed record OperationResponse(Operation Operation, Checkout? Checkout);

/// <summary>API calls the tests share.</summary>
public static class Api
{
    public static async Task<Reader[]> ReadersAsync(this HttpClient client) =>
        (await client.GetFromJsonAsync<Reader[]>("/api/readers", WebSampleFactory.Json))!;

    public static async Task<string> ReaderAsync(this HttpClient client, string label) =>
        (await client.ReadersAsync()).Single(r => r.Label == label).Id;

    public static async Task<Checkout> StartAsync(this HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync("/api/checkouts", request, WebSampleFactory.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<Checkout>(WebSampleFactory.Json))!;
    }

    public static async Task<Checkout> CheckoutAsync(this HttpClient client, string checkoutId) =>
        (await client.GetFromJsonAsync<Checkout>($"/api/checkouts/{checkoutId}", WebSampleFactory.Json))!;

    /// <summary>Reads the checkout's Server-Sent Events until one matches (or the stream ends), within 20 seconds.</summary>
    public static async Task<Checkout> WaitForAsync(this HttpClient client, string checkoutId, Func<Checkout, bool> until)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/checkouts/{checkoutId}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        Checkout? last = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                last = JsonSerializer.Deserialize<Checkout>(line["data: ".Length..], WebSampleFactory.Json)!;
                if (until(last))
                {
                    return last;
                }
            }
        }

        throw new Xunit.Sdk.XunitException($"The event stream ended at state {last?.State ?? "(none)"} without the expected state.");
    }

    public static async Task TapAsync(this HttpClient client, string readerId, string card, long tip = 0)
    {
        using var response = await client.PostAsJsonAsync($"/api/emulator/readers/{readerId}/tap", new { card, tip });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
