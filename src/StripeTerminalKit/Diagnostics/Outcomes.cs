using Polly.Timeout;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Diagnostics;

/// <summary>The low-cardinality outcome names used as metric tags, log values and retry reasons.</summary>
internal static class Outcomes
{
    public const string Success = "success";
    public const string Canceled = "canceled";

    public static string Of(Exception exception) => exception switch
    {
        CardDeclinedException => "card_declined",
        CustomerCanceledException => "customer_canceled",
        ReaderBusyException => "reader_busy",
        ReaderOfflineException => "reader_offline",
        ReaderHardwareFaultException => "reader_hardware_fault",
        ReaderUnavailableException => "reader_unavailable",
        ReaderTimeoutException => "reader_timeout",
        ReaderActionFailedException => "reader_action_failed",
        TerminalValidationException => "validation_failed",
        ResourceNotFoundException => "not_found",
        IntentStateException => "intent_state",
        InvalidRequestException => "invalid_request",
        StripeAuthenticationException { IsPermissionError: true } => "permission",
        StripeAuthenticationException => "authentication",
        StripeTerminalConfigurationException => "configuration",
        RateLimitedException => "rate_limited",
        StripeUnavailableException unavailable => unavailable.Failure switch
        {
            { Kind: StripeFailureKind.Network, Code: StripeFailure.Timeout } => "timeout",
            { HttpStatus: 409 } => "conflict",
            _ => "unavailable",
        },
        TimeoutRejectedException => "timeout",
        OperationCanceledException => Canceled,
        StripeTerminalException => "error",
        _ => "unexpected_error",
    };
}
