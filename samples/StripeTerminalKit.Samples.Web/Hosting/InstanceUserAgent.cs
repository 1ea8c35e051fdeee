using System.Text;

namespace StripeTerminalKit.Samples.Web.Hosting;

/// <summary>
/// Names this instance in the <c>User-Agent</c> of its Stripe requests (<c>stk-instance/web-1</c>)
/// when <c>Checkouts:InstanceId</c> is set. Why: Stripe's Dashboard request log shows each
/// request's user agent, so whoever runs a farm of these hosts sees which instance sent each
/// request (and the emulator server's <c>GET /_emulator/requests</c> shows it the same way).
/// Only the instance's name goes there, never a key, a token or anything else secret: user
/// agents are shown and logged everywhere.
/// </summary>
public static class InstanceUserAgent
{
    /// <summary>The product name of the token appended to the user agent.</summary>
    public const string Product = "stk-instance";

    /// <summary>Adds the handler to the kit's <see cref="HttpClient"/> when an instance id is configured.</summary>
    /// <returns>The token appended, or null when no instance id is configured.</returns>
    public static string? UseInstanceUserAgent(this StripeTerminalKitBuilder kit, string? instanceId)
    {
        ArgumentNullException.ThrowIfNull(kit);
        if (string.IsNullOrWhiteSpace(instanceId))
        {
            return null;
        }

        var token = Token(instanceId);
        kit.HttpClient.AddHttpMessageHandler(() => new Handler(token));
        return token;
    }

    /// <summary>
    /// <c>stk-instance/&lt;id&gt;</c>, the id reduced to an HTTP token (RFC 9110 §5.6.2: letters,
    /// digits and <c>!#$%&amp;'*+-.^_`|~</c>; anything else becomes <c>-</c>), at most 64 characters,
    /// so any configured name gives a valid header.
    /// </summary>
    public static string Token(string instanceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var name = new StringBuilder(Math.Min(instanceId.Length, 64));
        foreach (var c in instanceId.Trim().AsSpan()[..Math.Min(instanceId.Trim().Length, 64)])
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal) ? c : '-');
        }

        return Product + "/" + name;
    }

    /// <summary>Appends the token to whatever user agent Stripe.net wrote (it names Stripe.net and the kit).</summary>
    private sealed class Handler(string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Read and rewritten raw: parsing Stripe.net's value into product tokens could reorder or reject parts of it.
            var sent = request.Headers.NonValidated.TryGetValues("User-Agent", out var values) ? string.Join(" ", values) : "";
            if (!sent.EndsWith(token, StringComparison.Ordinal))
            {
                request.Headers.Remove("User-Agent");
                request.Headers.TryAddWithoutValidation("User-Agent", sent.Length == 0 ? token : sent + " " + token);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
