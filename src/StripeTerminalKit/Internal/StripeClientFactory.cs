using System.Reflection;
using Stripe;

namespace StripeTerminalKit.Internal;

/// <summary>
/// Hands out a <see cref="StripeClient"/> over an <see cref="HttpClient"/> from
/// <see cref="IHttpClientFactory"/>. One client serves every call for <see cref="Reuse"/>, then a
/// new one is built, so the factory's handler rotation (DNS changes) still reaches the kit.
/// Building one per call cost more than the in-process call itself: Stripe.net builds its user
/// agent and request machinery per client. Stripe.net's own retries are switched off: the kit's
/// resilience pipeline owns retries.
/// </summary>
internal sealed class StripeClientFactory
{
    private static readonly AppInfo KitAppInfo = new()
    {
        Name = "StripeTerminalKit",
        Version = typeof(StripeClientFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0],
    };

    /// <summary>How long one client serves calls before the next is built (shorter than the factory's default 2-minute handler lifetime).</summary>
    internal static readonly TimeSpan Reuse = TimeSpan.FromMinutes(1);

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly string _httpClientName;
    private readonly string _apiKey;
    private readonly string? _apiBase;
    private readonly TimeProvider _time;
    private volatile Built? _current;

    public StripeClientFactory(IHttpClientFactory httpClientFactory, string httpClientName, string apiKey, Uri? apiBase, TimeProvider time)
    {
        _httpClientFactory = httpClientFactory;
        _httpClientName = httpClientName;
        _apiKey = apiKey;
        _time = time;

        // Stripe.net appends paths that start with '/', so the base must not end with one.
        _apiBase = apiBase?.ToString().TrimEnd('/');
    }

    public StripeClient Create()
    {
        var now = _time.GetTimestamp();
        var current = _current;
        if (current is not null && _time.GetElapsedTime(current.At, now) < Reuse)
        {
            return current.Client;
        }

        // Two callers may both build one at the turn of a period: harmless, the last one stays.
        var httpClient = _httpClientFactory.CreateClient(_httpClientName);
        var stripeHttpClient = new SystemNetHttpClient(httpClient, maxNetworkRetries: 0, appInfo: KitAppInfo, enableTelemetry: false);
        var built = new Built(new StripeClient(_apiKey, httpClient: stripeHttpClient, apiBase: _apiBase), now);
        _current = built;
        return built.Client;
    }

    private sealed record Built(StripeClient Client, long At);
}
