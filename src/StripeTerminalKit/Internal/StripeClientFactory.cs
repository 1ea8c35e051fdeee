using System.Reflection;
using Stripe;

namespace StripeTerminalKit.Internal;

/// <summary>
/// Builds a <see cref="StripeClient"/> for one logical call from an <see cref="HttpClient"/> handed
/// out by <see cref="IHttpClientFactory"/>, so handler pooling and rotation stay with the factory.
/// Stripe.net's own retries are switched off: the kit's resilience pipeline owns retries.
/// </summary>
internal sealed class StripeClientFactory
{
    private static readonly AppInfo KitAppInfo = new()
    {
        Name = "StripeTerminalKit",
        Version = typeof(StripeClientFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0],
    };

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly string _httpClientName;
    private readonly string _apiKey;
    private readonly string? _apiBase;

    public StripeClientFactory(IHttpClientFactory httpClientFactory, string httpClientName, string apiKey, Uri? apiBase)
    {
        _httpClientFactory = httpClientFactory;
        _httpClientName = httpClientName;
        _apiKey = apiKey;

        // Stripe.net appends paths that start with '/', so the base must not end with one.
        _apiBase = apiBase?.ToString().TrimEnd('/');
    }

    public StripeClient Create()
    {
        var httpClient = _httpClientFactory.CreateClient(_httpClientName);
        var stripeHttpClient = new SystemNetHttpClient(httpClient, maxNetworkRetries: 0, appInfo: KitAppInfo, enableTelemetry: false);
        return new StripeClient(_apiKey, httpClient: stripeHttpClient, apiBase: _apiBase);
    }
}
