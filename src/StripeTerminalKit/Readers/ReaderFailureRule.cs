using System.Collections.Frozen;

namespace StripeTerminalKit.Readers;

/// <summary>
/// The one rule for what a failed reader action means: the customer walked away, the reader lost
/// its connection or timed out, the card or issuer said no, or something else. The readers module
/// maps actions with it and the checkout machine decides with it, so the two never disagree.
/// </summary>
internal static class ReaderFailureRule
{
    public const string CustomerCanceled = "customer_canceled";
    public const string ConnectionError = "connection_error";
    public const string ActionInterrupted = "reader_action_interrupted";

    // failure_code / decline codes that mean "the issuer or card said no" rather than a reader problem.
    private static readonly FrozenSet<string> DeclineCodes = FrozenSet.Create(
        StringComparer.Ordinal,
        "card_declined", "expired_card", "incorrect_pin", "pin_try_exceeded", "offline_pin_required",
        "online_or_offline_pin_required", "generic_decline", "call_issuer", "insufficient_funds", "lost_card",
        "stolen_card", "withdrawal_count_limit_exceeded", "do_not_honor", "fraudulent", "card_not_supported",
        "currency_not_supported", "incorrect_number", "invalid_account", "invalid_amount", "processing_error",
        "setup_intent_authentication_failure", "card_velocity_exceeded", "transaction_not_allowed");

    /// <summary>
    /// What a failure means. A decline code (from the action's error or the PaymentIntent's last
    /// payment error), a <c>card_error</c>, or a failure code Stripe documents as the card's or the
    /// issuer's answer is a decline; an unknown code is not (it is reported as it came, never
    /// guessed to be the customer's card).
    /// </summary>
    /// <param name="failureCode">The action's <c>failure_code</c> (or its error's code).</param>
    /// <param name="declineCode">A <c>decline_code</c>, when Stripe gave one.</param>
    /// <param name="errorType">The action error's <c>type</c>, when known.</param>
    public static ReaderActionFailureKind Classify(string? failureCode, string? declineCode, string? errorType = null) => failureCode switch
    {
        CustomerCanceled => ReaderActionFailureKind.CustomerCanceled,
        ConnectionError => ReaderActionFailureKind.ConnectionError,
        _ when declineCode is not null || errorType == "card_error" => ReaderActionFailureKind.CardDeclined,
        not null when DeclineCodes.Contains(failureCode) => ReaderActionFailureKind.CardDeclined,
        not null when failureCode.Contains("timeout", StringComparison.Ordinal) || failureCode.Contains("timed_out", StringComparison.Ordinal)
            => ReaderActionFailureKind.Timeout,
        _ => ReaderActionFailureKind.Other,
    };

    /// <summary>Whether the failure is the card's or the issuer's answer (see <see cref="Classify"/>).</summary>
    public static bool IsDecline(string? failureCode, string? declineCode, string? errorType = null) =>
        Classify(failureCode, declineCode, errorType) == ReaderActionFailureKind.CardDeclined;
}
