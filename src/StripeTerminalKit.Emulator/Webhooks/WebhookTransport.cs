using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace StripeTerminalKit.Emulator;

/// <summary>
/// How one delivery attempt reaches an HTTP endpoint, as Stripe sends it: a JSON POST with the
/// <c>Stripe-Signature</c> header and Stripe's <c>User-Agent</c>, where only a 2xx answer counts.
/// </summary>
internal static class WebhookTransport
{
    public const string StripeUserAgent = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";

    /// <summary>
    /// For <see cref="SocketsHttpHandler.PooledConnectionLifetime"/>: every connection is closed
    /// after its delivery. An endpoint answering in HTTP/1.0 closes its connection, but
    /// SocketsHttpHandler pools it all the same (even when the request said <c>Connection: close</c>);
    /// the next delivery then went out on the closed connection, failed, and was retried after the
    /// later ones (issue 13). Give a handler of your own the same setting.
    /// </summary>
    public static readonly TimeSpan NoConnectionReuse = TimeSpan.Zero;

    /// <summary>
    /// The client for an endpoint. Without a caller's handler, a <see cref="SocketsHttpHandler"/>
    /// that never follows redirects: Stripe counts a 3xx answer as a failed delivery.
    /// </summary>
    public static HttpClient CreateClient(HttpMessageHandler? handler)
    {
        HttpMessageHandler effective = handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = NoConnectionReuse,
        };

        // The attempt timeout runs on the TimeProvider, so HttpClient's own (real-time) timeout is off.
        return new HttpClient(effective, disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <returns><see langword="null"/> when the endpoint answered 2xx, otherwise why the attempt failed.</returns>
    public static async Task<string?> PostAsync(
        HttpClient client, Uri url, EmulatorWebhookDelivery delivery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", delivery.SignatureHeader);
        request.Headers.TryAddWithoutValidation("User-Agent", StripeUserAgent);
        request.Headers.TryAddWithoutValidation("Accept", "*/*; q=0.5, application/xml");
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };

        // One connection per delivery (see NoConnectionReuse); the endpoint is told so too.
        request.Headers.ConnectionClose = true;

        using HttpResponseMessage response = await client
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);

        // A caller's handler may follow redirects; the answer Stripe would have seen was the 3xx.
        if (!Equals(request.RequestUri, url))
        {
            return "Redirected by the HTTP message handler: Stripe counts a 3xx answer as a failed delivery and never follows it.";
        }

        return response.IsSuccessStatusCode
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} ({response.StatusCode})");
    }
}
