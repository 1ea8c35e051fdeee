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
/// Turns a Stripe.net <see cref="StripeException"/> into the kit's exception hierarchy.
/// Branches on the Stripe error <c>code</c> first (Terminal errors come back as HTTP 400 with a
/// specific code), then on the error type and the HTTP status.
/// </summary>
internal static class StripeErrorMapper
{
    public static StripeTerminalException Map(StripeException exception, StripeCallContext context)
    {
        ArgumentNullException.ThrowIfNull(exception);

        var error = exception.StripeError;
        var status = exception.HttpStatusCode;
        var statusNumber = (int)status;
        var code = error?.Code;
        var requestId = exception.StripeResponse?.RequestId;
        var headers = exception.StripeResponse?.Headers;
        var shouldRetry = ReadShouldRetry(headers);
        var retryAfter = ReadRetryAfter(headers);
        var stripeMessage = SecretRedactor.Redact(error?.Message);
        var suffix = string.IsNullOrEmpty(stripeMessage) ? string.Empty : " Stripe said: " + stripeMessage;
        var reader = context.ReaderId is null ? "The reader" : $"Reader {context.ReaderId}";

        StripeTerminalException mapped;
        if (error is null || (string.IsNullOrEmpty(error.Type) && string.IsNullOrEmpty(code) && statusNumber is >= 200 and < 300))
        {
            // No Stripe error body: a proxy page, a truncated or malformed response. Stripe may have
            // executed the request; the idempotency key makes a retry safe.
            mapped = new StripeUnavailableException(
                $"Stripe returned a response the kit could not read (HTTP {statusNumber}) for {context.Operation}.",
                SafeInner(exception))
            {
                ErrorCode = "invalid_response",
                RetryAfter = retryAfter,
                StripeShouldRetry = shouldRetry,
                OutcomeUnknown = true,
            };
        }
        else
        {
            mapped = code switch
            {
                "terminal_reader_busy" => new ReaderBusyException(
                    $"{reader} is busy with another action; read its current action before trying again.{suffix}", SafeInner(exception))
                { ReaderId = context.ReaderId },
                "terminal_reader_offline" => new ReaderOfflineException(
                    $"{reader} is offline; it must be powered on and connected before trying again.{suffix}", SafeInner(exception))
                { ReaderId = context.ReaderId },
                "terminal_reader_hardware_fault" => new ReaderHardwareFaultException(
                    $"{reader} reported an unrecoverable hardware fault and must be replaced.{suffix}", SafeInner(exception))
                { ReaderId = context.ReaderId },
                "terminal_reader_timeout" => new ReaderTimeoutException(
                    $"{reader} did not acknowledge the command in time.{suffix}", SafeInner(exception))
                { ReaderId = context.ReaderId },
                "terminal_reader_invalid_location_for_activation" or "terminal_reader_invalid_location_for_payment"
                    or "terminal_location_country_unsupported" or "payment_method_types_no_longer_supported"
                    or "country_unsupported" or "platform_api_key_expired" => new StripeTerminalConfigurationException(
                    $"The Stripe configuration does not allow {context.Operation} ({code}).{suffix}", SafeInner(exception)),
                "rate_limit" => new RateLimitedException(
                    $"Stripe rate-limited {context.Operation}.{suffix}", SafeInner(exception))
                { RetryAfter = retryAfter, StripeShouldRetry = shouldRetry, RateLimitedReason = ReadRateLimitedReason(headers) },
                "lock_timeout" or "idempotency_key_in_use" => new StripeUnavailableException(
                    $"Stripe could not process {context.Operation} now ({code}).{suffix}", SafeInner(exception))
                { RetryAfter = retryAfter, StripeShouldRetry = shouldRetry },
                "intent_invalid_state" or "payment_intent_unexpected_state" or "setup_intent_unexpected_state" => new IntentStateException(
                    $"The intent is not in the state {context.Operation} requires.{suffix}", SafeInner(exception))
                {
                    IntentId = error.PaymentIntent?.Id ?? error.SetupIntent?.Id ?? context.IntentId,
                    IntentStatus = error.PaymentIntent?.Status ?? error.SetupIntent?.Status,
                    Parameter = error.Param,
                },
                "resource_missing" => new ResourceNotFoundException(
                    $"The object {context.Operation} refers to does not exist.{suffix}", SafeInner(exception))
                { Parameter = error.Param },
                _ => MapByTypeAndStatus(exception, error, context, statusNumber, shouldRetry, retryAfter, suffix),
            };
        }

        return Decorate(mapped, exception, context.Operation, requestId);
    }

    private static StripeTerminalException MapByTypeAndStatus(
        StripeException exception,
        StripeError error,
        StripeCallContext context,
        int status,
        bool? shouldRetry,
        TimeSpan? retryAfter,
        string suffix)
    {
        if (error.Type == "card_error" || status == 402)
        {
            var card = error.PaymentMethod?.CardPresent;
            var declineCode = error.DeclineCode ?? error.Code;
            return new CardDeclinedException(
                $"The card was declined ({declineCode ?? "no decline code"}).{suffix}", SafeInner(exception))
            {
                DeclineCode = declineCode,
                CardBrand = card?.Brand ?? error.PaymentMethod?.Card?.Brand ?? error.PaymentMethod?.InteracPresent?.Brand,
                CardLast4 = card?.Last4 ?? error.PaymentMethod?.Card?.Last4 ?? error.PaymentMethod?.InteracPresent?.Last4,
                PaymentIntentId = error.PaymentIntent?.Id ?? context.IntentId,
                ReaderId = context.ReaderId,
            };
        }

        return status switch
        {
            // Stripe's 401 message echoes a masked key: never pass it on.
            401 => new StripeAuthenticationException(
                $"Stripe rejected the API key for {context.Operation}. Check the StripeTerminal:ApiKey setting."),
            403 => new StripeAuthenticationException(
                $"The API key is not allowed to perform {context.Operation}.{suffix}", SafeInner(exception))
            { IsPermissionError = true },
            429 => new RateLimitedException($"Stripe rate-limited {context.Operation}.{suffix}", SafeInner(exception))
            { RetryAfter = retryAfter, StripeShouldRetry = shouldRetry, RateLimitedReason = ReadRateLimitedReason(exception.StripeResponse?.Headers) },
            409 => new StripeUnavailableException($"Stripe reported a conflict for {context.Operation}.{suffix}", SafeInner(exception))
            { RetryAfter = retryAfter, StripeShouldRetry = shouldRetry },
            >= 500 => new StripeUnavailableException(
                $"Stripe failed to process {context.Operation} (HTTP {status}).{suffix}", SafeInner(exception))
            { RetryAfter = retryAfter, StripeShouldRetry = shouldRetry, OutcomeUnknown = true, StoredUnderKey = context.Keyed },
            404 => new ResourceNotFoundException($"The object {context.Operation} refers to does not exist.{suffix}", SafeInner(exception))
            { Parameter = error.Param },
            400 or 424 => new InvalidRequestException(
                $"Stripe rejected {context.Operation} as invalid{(error.Param is null ? string.Empty : $" (parameter '{error.Param}')")}.{suffix}",
                SafeInner(exception))
            { Parameter = error.Param },
            _ => new StripeTerminalException($"Stripe failed {context.Operation} (HTTP {status}).{suffix}", SafeInner(exception)),
        };
    }

    private static StripeTerminalException Decorate(StripeTerminalException mapped, StripeException source, string operation, string? requestId)
    {
        mapped.AttachCallDetails(requestId, source.StripeError?.Code, source.StripeError?.Type, source.HttpStatusCode, operation);
        mapped.StripeShouldRetryHeader = ReadShouldRetry(source.StripeResponse?.Headers);
        return mapped;
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
