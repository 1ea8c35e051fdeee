using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Payments;

/// <summary>
/// Card-present payments: create a PaymentIntent with the country's defaults, hand it to a reader
/// (one step, or collect then confirm), capture, cancel, refund, and save cards with a SetupIntent.
/// Reader actions return the reader at once; follow them with
/// <see cref="ITerminalReaders.WaitForActionAsync"/> (or webhooks), then read the PaymentIntent,
/// which is the authority on whether money moved.
/// </summary>
public interface ITerminalPayments
{
    /// <summary>
    /// Creates a card-present PaymentIntent (<c>allowed_payment_method_types=card_present</c>, plus
    /// <c>interac_present</c> for CAD) with the country's capture default.
    /// </summary>
    /// <param name="request">Amount, currency and options.</param>
    /// <param name="callOptions">Idempotency key or scope (strongly advised), connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The PaymentIntent, in <see cref="IntentStatus.RequiresPaymentMethod"/>.</returns>
    /// <exception cref="Errors.TerminalValidationException">Amount, currency or options are invalid; nothing was sent.</exception>
    Task<TerminalPayment> CreateAsync(CreatePaymentRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a PaymentIntent with its latest charge.</summary>
    /// <param name="paymentIntentId">The PaymentIntent id (<c>pi_…</c>).</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The PaymentIntent.</returns>
    Task<TerminalPayment> GetAsync(string paymentIntentId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes the amount of a PaymentIntent that has not been processed yet. If a reader already
    /// has it, process it again so the reader shows the new amount.
    /// </summary>
    /// <param name="paymentIntentId">The PaymentIntent id.</param>
    /// <param name="amount">The new amount in minor units.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated PaymentIntent.</returns>
    Task<TerminalPayment> UpdateAmountAsync(string paymentIntentId, long amount, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the address Stripe sends the PaymentIntent's receipt to (<c>receipt_email</c>); once the
    /// payment succeeds, Stripe emails the receipt (in live mode).
    /// </summary>
    /// <param name="paymentIntentId">The PaymentIntent id.</param>
    /// <param name="receiptEmail">The customer's email address.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated PaymentIntent.</returns>
    Task<TerminalPayment> UpdateReceiptEmailAsync(string paymentIntentId, string receiptEmail, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Hands the PaymentIntent to the reader to collect and authorise in one step (<c>process_payment_intent</c>).</summary>
    /// <param name="readerId">The reader id (<c>tmr_…</c>).</param>
    /// <param name="paymentIntentId">The PaymentIntent id, in <see cref="IntentStatus.RequiresPaymentMethod"/>.</param>
    /// <param name="options">Tipping, customer cancellation, redisplay.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reader with the action, usually in progress.</returns>
    /// <exception cref="Errors.ReaderBusyException">The reader is busy; it is not retried blindly.</exception>
    /// <exception cref="Errors.ReaderOfflineException">The reader is offline.</exception>
    Task<TerminalReader> ProcessOnReaderAsync(
        string readerId, string paymentIntentId, PaymentCollectionOptions? options = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Two-step flow, step 1: reads the card without authorising (<c>collect_payment_method</c>). Confirm within 30 seconds.</summary>
    /// <param name="readerId">The reader id.</param>
    /// <param name="paymentIntentId">The PaymentIntent id.</param>
    /// <param name="options">Tipping, customer cancellation, redisplay.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reader with the action.</returns>
    Task<TerminalReader> CollectOnReaderAsync(
        string readerId, string paymentIntentId, PaymentCollectionOptions? options = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Two-step flow, step 2: authorises the collected card (<c>confirm_payment_intent</c>).</summary>
    /// <param name="readerId">The reader id.</param>
    /// <param name="paymentIntentId">The PaymentIntent id, in <see cref="IntentStatus.RequiresConfirmation"/>.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reader with the action.</returns>
    Task<TerminalReader> ConfirmOnReaderAsync(
        string readerId, string paymentIntentId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Captures an authorised PaymentIntent, fully or partly (within two days of authorisation).</summary>
    /// <param name="paymentIntentId">The PaymentIntent id, in <see cref="IntentStatus.RequiresCapture"/>.</param>
    /// <param name="amountToCapture">The amount to capture in minor units; everything capturable when unset. The rest is released.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The captured PaymentIntent.</returns>
    Task<TerminalPayment> CaptureAsync(
        string paymentIntentId, long? amountToCapture = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a PaymentIntent that is not captured; an authorisation is released.</summary>
    /// <param name="paymentIntentId">The PaymentIntent id.</param>
    /// <param name="reason">Why.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The canceled PaymentIntent.</returns>
    Task<TerminalPayment> CancelAsync(
        string paymentIntentId, PaymentCancellationReason? reason = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Raises the authorised amount of a PaymentIntent created with incremental authorisation support.</summary>
    /// <param name="paymentIntentId">The PaymentIntent id, in <see cref="IntentStatus.RequiresCapture"/>.</param>
    /// <param name="newAmount">The new total amount in minor units, higher than the current one.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The PaymentIntent.</returns>
    Task<TerminalPayment> IncrementAuthorizationAsync(
        string paymentIntentId, long newAmount, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Refunds a payment online (all networks except Interac; eftpos included).</summary>
    /// <param name="request">The PaymentIntent, amount and reason.</param>
    /// <param name="callOptions">Idempotency key or scope (strongly advised), connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The refund.</returns>
    Task<TerminalRefund> RefundAsync(CreateRefundRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Refunds in person with the card presented on the reader (<c>refund_payment</c>), as Interac requires.</summary>
    /// <remarks>
    /// Stripe offers in-person refunds for Interac payments only; every other card is refunded
    /// online with <see cref="RefundAsync"/>. The kit refuses anything else before asking the
    /// reader, with a <see cref="Errors.TerminalValidationException"/> whose
    /// <see cref="Errors.StripeTerminalException.ErrorCode"/> is <c>in_person_refund_requires_interac</c>:
    /// at once when the kit's country is not Canada (Interac is Canadian), after one read of the
    /// payment otherwise.
    /// </remarks>
    /// <param name="readerId">The reader id.</param>
    /// <param name="request">The PaymentIntent or charge, amount and options.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reader with the action.</returns>
    Task<TerminalReader> RefundOnReaderAsync(
        string readerId, InPersonRefundRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a refund.</summary>
    /// <param name="refundId">The refund id (<c>re_…</c>).</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The refund.</returns>
    Task<TerminalRefund> GetRefundAsync(string refundId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the refunds of a PaymentIntent, newest first (pages are fetched as you enumerate).</summary>
    /// <param name="paymentIntentId">The PaymentIntent id (<c>pi_…</c>).</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The refunds.</returns>
    IAsyncEnumerable<TerminalRefund> ListRefundsAsync(string paymentIntentId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Creates a card-present SetupIntent to save a card without charging it.</summary>
    /// <param name="request">The customer and usage.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The SetupIntent.</returns>
    Task<TerminalSetupIntent> CreateSetupIntentAsync(CreateSetupIntentRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands a SetupIntent to the reader to save the presented card (<c>process_setup_intent</c>).
    /// When the action succeeds, <see cref="TerminalReaderAction.GeneratedCardId"/> is the reusable card.
    /// </summary>
    /// <param name="readerId">The reader id.</param>
    /// <param name="setupIntentId">The SetupIntent id (<c>seti_…</c>).</param>
    /// <param name="allowRedisplay">Whether the saved card may be shown to the customer again (Stripe requires the choice).</param>
    /// <param name="enableCustomerCancellation">Shows a cancel button to the customer.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reader with the action.</returns>
    Task<TerminalReader> SaveCardOnReaderAsync(
        string readerId,
        string setupIntentId,
        AllowRedisplay allowRedisplay,
        bool enableCustomerCancellation = false,
        TerminalCallOptions? callOptions = null,
        CancellationToken cancellationToken = default);

    /// <summary>Reads a SetupIntent.</summary>
    /// <param name="setupIntentId">The SetupIntent id.</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The SetupIntent.</returns>
    Task<TerminalSetupIntent> GetSetupIntentAsync(string setupIntentId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a SetupIntent that is no longer needed.</summary>
    /// <param name="setupIntentId">The SetupIntent id.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The canceled SetupIntent.</returns>
    Task<TerminalSetupIntent> CancelSetupIntentAsync(string setupIntentId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);
}
