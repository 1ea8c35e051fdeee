using System.Globalization;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Engine;

// What a request is refused for before any endpoint runs: an API version Stripe never issued, a
// missing or malformed key, a fault injected by the test.
internal sealed partial class EmulatorEngine
{
    private static readonly string[] ReleaseTrains = ["acacia", "basil", "clover", "dahlia", "endive"];

    /// <summary>
    /// A version Stripe could have issued: a date (<c>2023-10-16</c>) or, from 2024-09 on, a date
    /// and release train (<c>2026-10-28.endive</c>), no later than the emulator's own. Every known
    /// version is answered in the emulator's endive shape (the emulator's choice).
    /// </summary>
    private static bool IsKnownApiVersion(string version)
    {
        var dot = version.IndexOf('.', StringComparison.Ordinal);
        var datePart = dot < 0 ? version : version[..dot];
        if (!DateOnly.TryParseExact(datePart, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || date < new DateOnly(2011, 1, 1)
            || date > DateOnly.ParseExact(StripeEmulator.ApiVersion[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture))
        {
            return false;
        }

        return dot < 0 ? date < new DateOnly(2024, 9, 30) : Array.IndexOf(ReleaseTrains, version[(dot + 1)..]) >= 0;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    private static ApiErrorException? CheckAuthorization(string? authorization)
    {
        string? key = null;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = authorization[7..].Trim();
        }
        else if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                key = decoded.Split(':')[0];
            }
            catch (FormatException)
            {
                key = null;
            }
        }

        if (string.IsNullOrEmpty(key))
        {
            return new ApiErrorException(401, "invalid_request_error", null, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
        }

        // The key itself is never echoed back: an error body may end up in someone's logs.
        if (key.StartsWith("sk_live_", StringComparison.Ordinal) || key.StartsWith("rk_live_", StringComparison.Ordinal))
        {
            return new ApiErrorException(401, "invalid_request_error", "api_key_expired", "The emulator refuses live-mode keys. Use a test-mode key (sk_test_…).");
        }

        if (!key.StartsWith("sk_test_", StringComparison.Ordinal) && !key.StartsWith("rk_test_", StringComparison.Ordinal))
        {
            return new ApiErrorException(401, "invalid_request_error", null, "Invalid API Key provided. Test-mode keys start with sk_test_ or rk_test_.");
        }

        return null;
    }

    private static ApiErrorException? PreExecutionFault(FaultRule fault, bool isReaderRequest) => fault.Kind switch
    {
        FaultKind.RateLimited => new ApiErrorException(429, "invalid_request_error", "rate_limit", "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits."),
        FaultKind.LockTimeout => new ApiErrorException(429, "invalid_request_error", "lock_timeout", "This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request."),
        FaultKind.ServerError => new ApiErrorException(500, "api_error", null, "Something went wrong on Stripe's end.") { ShouldRetry = true },
        FaultKind.ServiceUnavailable => new ApiErrorException(503, "api_error", null, "Stripe is temporarily unavailable.") { ShouldRetry = true },
        FaultKind.ConnectionFailure => new ApiErrorException(0, "api_error", null, "connection failure"),
        FaultKind.ReaderOffline when isReaderRequest => ReaderErrors.Offline(),
        FaultKind.ReaderBusy when isReaderRequest => ReaderErrors.Busy(),
        FaultKind.ReaderHardwareFault when isReaderRequest => ReaderErrors.HardwareFault(),
        _ => null,
    };
}
