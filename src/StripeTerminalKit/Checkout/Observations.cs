using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Checkout;

// What the driver reads back from Stripe, reduced to what the machine decides on.
// Small values, no Stripe.net types, so a transition stays pure and cheap; statuses and action
// types are the payment and reader modules' public enums, as their reads report them.

/// <summary>A PaymentIntent as read from Stripe (expand <c>latest_charge</c> for the card and refund fields).</summary>
/// <param name="Id">The PaymentIntent id.</param>
/// <param name="Status">Its status.</param>
/// <param name="Amount">Amount including any tip.</param>
/// <param name="AmountCapturable">Amount that can still be captured.</param>
/// <param name="AmountReceived">Amount captured.</param>
/// <param name="TipAmount"><c>amount_details.tip.amount</c>, 0 when none.</param>
/// <param name="AmountRefunded">Latest charge's <c>amount_refunded</c>.</param>
/// <param name="ChargeId">Latest charge id.</param>
/// <param name="CardBrand">Latest charge <c>card_present.brand</c>.</param>
/// <param name="Last4">Latest charge <c>card_present.last4</c>.</param>
/// <param name="Network">Latest charge <c>card_present.network</c> (e.g. <c>eftpos_au</c>).</param>
/// <param name="DeclineCode"><c>last_payment_error.decline_code</c>.</param>
/// <param name="ErrorCode"><c>last_payment_error.code</c>.</param>
/// <param name="CancellationReason"><c>cancellation_reason</c>.</param>
/// <param name="Receipt">Latest charge's EMV receipt fields (a reference: carried, never decided on).</param>
internal readonly record struct PaymentIntentObservation(
    string Id,
    IntentStatus Status,
    long Amount,
    long AmountCapturable = 0,
    long AmountReceived = 0,
    long TipAmount = 0,
    long AmountRefunded = 0,
    string? ChargeId = null,
    string? CardBrand = null,
    string? Last4 = null,
    string? Network = null,
    string? DeclineCode = null,
    string? ErrorCode = null,
    string? CancellationReason = null,
    CardReceipt? Receipt = null);

/// <summary>A reader as read from Stripe (or carried by a <c>terminal.reader.action_*</c> webhook).</summary>
/// <param name="ReaderId">The reader id.</param>
/// <param name="ActionType">Type of <c>action</c>; <see langword="null"/> when the reader has no action.</param>
/// <param name="ActionStatus"><c>action.status</c>; <see cref="ReaderActionStatus.Unknown"/> when the reader has no action.</param>
/// <param name="ActionPaymentIntentId">PaymentIntent of a payment action.</param>
/// <param name="FailureCode"><c>action.failure_code</c>.</param>
/// <param name="DeclineCode"><c>action.api_error.decline_code</c>.</param>
/// <param name="CollectedEmail">The email a <c>collect_inputs</c> action collected (not skipped), if any.</param>
internal readonly record struct ReaderObservation(
    string ReaderId,
    ReaderActionType? ActionType,
    ReaderActionStatus ActionStatus = ReaderActionStatus.Unknown,
    string? ActionPaymentIntentId = null,
    string? FailureCode = null,
    string? DeclineCode = null,
    string? CollectedEmail = null);

/// <summary>A refund as returned by Stripe.</summary>
/// <param name="Id">The refund id.</param>
/// <param name="Amount">The amount refunded.</param>
/// <param name="Status">
/// Its status: only <see cref="RefundStatus.Failed"/> and <see cref="RefundStatus.Canceled"/> are a refund that did not
/// happen; any other (pending, a status this version does not know) counts as refunded.
/// </param>
internal readonly record struct RefundObservation(string Id, long Amount, RefundStatus Status);
