using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Stripe;

namespace StripeTerminalKit.Errors;

/// <summary>What the kit knew about a call when it failed, to fill in the typed exception.</summary>
/// <param name="Operation">The kit operation name.</param>
/// <param name="ReaderId">The reader the call targeted, if any.</param>
/// <param name="IntentId">The PaymentIntent or SetupIntent the call targeted, if any.</param>
/// <param name="Keyed">Whether the request carried an idempotency key (set by the executor).</param>
internal readonly record struct StripeCallContext(string Operation, string? ReaderId = null, string? IntentId = null, bool Keyed = false);

/// <summary>
/// Turns a Stripe.net <see cref="StripeException"/> into the kit's exception hierarchy: classifies
/// the answer once (<see cref="StripeFailure.KindOf"/>: code, then type, then HTTP status, with the
/// retry advice of Stripe's headers), chooses the typed exception by that kind and attaches the value.
/// </summary>
internal static class StripeErrorMapper
{
    public static StripeTerminalException Map(StripeException exception, StripeCallContext context)
    {
        ArgumentNullException.ThrowIfNull(exception);

        var error = exception.StripeError;
        var headers = exception.StripeResponse?.Headers;
        var failure = Classify(exception, context);
        var stripeMessage = SecretRedactor.Redact(error?.Message);
        var suffix = string.IsNullOrEmpty(stripeMessage) ? string.Empty : " Stripe said: " + stripeMessage;
        var inner = SafeInner(exception);

        var mapped = error is null || failure.Kind == StripeFailureKind.Network
            ? new StripeUnavailableException(
                // No Stripe error body: a proxy page, a truncated or malformed response. Stripe may have
                // executed the request; the idempotency key makes a retry safe.
                $"Stripe returned a response the kit could not read (HTTP {failure.HttpStatus}) for {context.Operation}.", inner)
            {
                ErrorCode = StripeFailure.InvalidResponse,
                RetryAfter = failure.RetryAfter,
                StripeShouldRetry = failure.ShouldRetry,
                OutcomeUnknown = true,
            }
            : Typed(error, failure, context, headers, suffix, inner);

        mapped.AttachCallDetails(exception.StripeResponse?.RequestId, error?.Code, error?.Type, exception.HttpStatusCode, context.Operation);
        mapped.Failure = failure;
        return mapped;
    }

    /// <summary>The typed exception for Stripe's answer, chosen by its kind; the status and code only refine it.</summary>
    private static StripeTerminalException Typed(
        StripeError error, StripeFailure failure, StripeCallContext context, HttpResponseHeaders? headers, string suffix, StripeException? inner)
    {
        var reader = context.ReaderId is null ? "The reader" : $"Reader {context.ReaderId}";
        var status = failure.HttpStatus;
        return failure.Kind switch
        {
            StripeFailureKind.ReaderBusy => new ReaderBusyException(
                $"{reader} is busy with another action; read its current action before trying again.{suffix}", inner)
            { ReaderId = context.ReaderId },
            StripeFailureKind.ReaderOffline => new ReaderOfflineException(
                $"{reader} is offline; it must be powered on and connected before trying again.{suffix}", inner)
            { ReaderId = context.ReaderId },
            StripeFailureKind.ReaderTimeout => new ReaderTimeoutException(
                $"{reader} did not acknowledge the command in time.{suffix}", inner)
            { ReaderId = context.ReaderId },
            StripeFailureKind.ReaderUnavailable when failure.Code == "terminal_reader_hardware_fault" => new ReaderHardwareFaultException(
                $"{reader} reported an unrecoverable hardware fault and must be replaced.{suffix}", inner)
            { ReaderId = context.ReaderId },

            // A reader in a location where it cannot work, a country where Terminal is unavailable.
            StripeFailureKind.ReaderUnavailable => Configuration(context, failure, suffix, inner),
            StripeFailureKind.RateLimited => new RateLimitedException($"Stripe rate-limited {context.Operation}.{suffix}", inner)
            { RetryAfter = failure.RetryAfter, StripeShouldRetry = failure.ShouldRetry, RateLimitedReason = ReadRateLimitedReason(headers) },
            StripeFailureKind.Conflict => new StripeUnavailableException(
                failure.Code is "lock_timeout" or "idempotency_key_in_use"
                    ? $"Stripe could not process {context.Operation} now ({failure.Code}).{suffix}"
                    : $"Stripe reported a conflict for {context.Operation}.{suffix}",
                inner)
            { RetryAfter = failure.RetryAfter, StripeShouldRetry = failure.ShouldRetry },
            StripeFailureKind.InvalidState => new IntentStateException(
                $"The intent is not in the state {context.Operation} requires.{suffix}", inner)
            {
                IntentId = error.PaymentIntent?.Id ?? error.SetupIntent?.Id ?? context.IntentId,
                IntentStatus = error.PaymentIntent?.Status ?? error.SetupIntent?.Status,
                Parameter = error.Param,
            },
            StripeFailureKind.NotFound => new ResourceNotFoundException(
                $"The object {context.Operation} refers to does not exist.{suffix}", inner)
            { Parameter = error.Param },
            StripeFailureKind.CardDeclined => Declined(error, context, failure, suffix, inner),
            StripeFailureKind.ServerError => new StripeUnavailableException(
                $"Stripe failed to process {context.Operation} (HTTP {status}).{suffix}", inner)
            { RetryAfter = failure.RetryAfter, StripeShouldRetry = failure.ShouldRetry, OutcomeUnknown = true, StoredUnderKey = failure.StoredUnderKey },

            // Rejected and IdempotencyMismatch: the code and the status tell the caller which refusal.
            _ when IsConfiguration(failure.Code) => Configuration(context, failure, suffix, inner),

            // Stripe's 401 message echoes a masked key: never pass it on.
            _ when status == 401 => new StripeAuthenticationException(
                $"Stripe rejected the API key for {context.Operation}. Check the StripeTerminal:ApiKey setting."),
            _ when status == 403 => new StripeAuthenticationException(
                $"The API key is not allowed to perform {context.Operation}.{suffix}", inner)
            { IsPermissionError = true },
            _ when status is 400 or 424 || failure.Kind == StripeFailureKind.IdempotencyMismatch => new InvalidRequestException(
                $"Stripe rejected {context.Operation} as invalid{(error.Param is null ? string.Empty : $" (parameter '{error.Param}')")}.{suffix}",
                inner)
            { Parameter = error.Param },
            _ => new StripeTerminalException($"Stripe failed {context.Operation} (HTTP {status}).{suffix}", inner),
        };
    }

    /// <summary>
    /// Classifies Stripe's answer by <see cref="StripeFailure.KindOf"/>, once, with everything the
    /// answer says about retrying it. An answer without Stripe's error body (a proxy's page, a
    /// truncated or malformed response) is no answer: Stripe may have executed the request and
    /// stored nothing a resend with the same key would not replay.
    /// </summary>
    internal static StripeFailure Classify(StripeException exception, StripeCallContext context)
    {
        var error = exception.StripeError;
        var status = (int)exception.HttpStatusCode;
        var headers = exception.StripeResponse?.Headers;
        var unreadable = error is null || (string.IsNullOrEmpty(error.Type) && string.IsNullOrEmpty(error.Code) && status is >= 200 and < 300);
        var kind = unreadable ? StripeFailureKind.Network : StripeFailure.KindOf(status, error!.Type, error.Code);
        return new StripeFailure(kind, unreadable ? StripeFailure.InvalidResponse : error!.Code)
        {
            DeclineCode = unreadable ? null : error!.DeclineCode,
            HttpStatus = status,
            StoredUnderKey = context.Keyed && kind == StripeFailureKind.ServerError,
            ShouldRetry = ReadShouldRetry(headers),
            RetryAfter = ReadRetryAfter(headers),
        };
    }

    /// <summary>
    /// Codes (besides the reader's location codes, which <see cref="StripeFailure.KindOf"/> already
    /// reads) that mean the Stripe account or the kit is set up in a way that cannot work.
    /// </summary>
    private static bool IsConfiguration(string? code) =>
        code is "payment_method_types_no_longer_supported" or "country_unsupported" or "platform_api_key_expired";

    private static StripeTerminalConfigurationException Configuration(StripeCallContext context, StripeFailure failure, string suffix, StripeException? inner) =>
        new($"The Stripe configuration does not allow {context.Operation} ({failure.Code}).{suffix}", inner);

    private static CardDeclinedException Declined(StripeError error, StripeCallContext context, StripeFailure failure, string suffix, StripeException? inner)
    {
        var card = error.PaymentMethod?.CardPresent;
        var declineCode = failure.DeclineCode ?? failure.Code;
        return new CardDeclinedException($"The card was declined ({declineCode ?? "no decline code"}).{suffix}", inner)
        {
            DeclineCode = declineCode,
            CardBrand = card?.Brand ?? error.PaymentMethod?.Card?.Brand ?? error.PaymentMethod?.InteracPresent?.Brand,
            CardLast4 = card?.Last4 ?? error.PaymentMethod?.Card?.Last4 ?? error.PaymentMethod?.InteracPresent?.Last4,
            PaymentIntentId = error.PaymentIntent?.Id ?? context.IntentId,
            ReaderId = context.ReaderId,
        };
    }

    /// <summary>
    /// Keeps Stripe.net's exception as the cause only when its message is free of secrets, so that
    /// logging the whole exception chain never prints a key.
    /// </summary>
    private static StripeException? SafeInner(StripeException exception) =>
        SecretRedactor.Redact(exception.Message) == (exception.Message ?? string.Empty) ? exception : null;

    internal static bool? ReadShouldRetry(HttpResponseHeaders? headers)
    {
        if (headers is null || !headers.TryGetValues("Stripe-Should-Retry", out var values))
        {
            return null;
        }

        var value = values.FirstOrDefault();
        return string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) ? true
            : string.Equals(value, "false", StringComparison.OrdinalIgnoreCase) ? false
            : null;
    }

    /// <summary>
    /// Stripe's <c>Stripe-Rate-Limited-Reason</c> (docs: rate-limits). Only a short token of
    /// letters and dashes is kept: the value goes into logs and traces.
    /// </summary>
    internal static string? ReadRateLimitedReason(HttpResponseHeaders? headers)
    {
        if (headers is null || !headers.TryGetValues("Stripe-Rate-Limited-Reason", out var values))
        {
            return null;
        }

        var value = values.FirstOrDefault()?.Trim();
        return value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? value : null;
    }

    internal static TimeSpan? ReadRetryAfter(HttpResponseHeaders? headers)
    {
        if (headers?.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }
        }

        // Some proxies send fractional seconds, which the typed header rejects.
        if (headers is not null && headers.TryGetValues("Retry-After", out var raw)
            && double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }
}
