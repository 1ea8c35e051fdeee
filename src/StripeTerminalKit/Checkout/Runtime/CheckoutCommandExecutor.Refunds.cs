using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Polling;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Checkout.Runtime;

// Refunds for a cancellation: online, or on the reader for Interac, and found again by the key they carry when the answer is lost.
internal sealed partial class CheckoutCommandExecutor
{
    /// <summary>
    /// Refunds, and when the answer is lost finds the refund by the key it carries in its metadata:
    /// the machine would otherwise learn from the PaymentIntent that the money went back, but not
    /// which refund it was, and the result must name it.
    /// </summary>
    private async Task<TerminalRefund> RefundAsync(CheckoutCommand c, string checkoutId, string paymentIntentId, TerminalCallOptions? options)
    {
        var key = c.Key.IsEmpty ? null : c.Key.ToString();
        var metadata = new Dictionary<string, string>(2, StringComparer.Ordinal) { [TerminalCheckout.CheckoutIdMetadataKey] = checkoutId };
        if (key is not null)
        {
            metadata[RefundKeyMetadataKey] = key;
        }

        try
        {
            return await payments.RefundAsync(new CreateRefundRequest(paymentIntentId) { Amount = c.Amount > 0 ? c.Amount : null, Metadata = metadata }, options, stopping).ConfigureAwait(false);
        }
        catch (Exception exception) when (key is not null && !stopping.IsCancellationRequested && exception is not OperationCanceledException && FailureOf(exception).IsAmbiguous)
        {
            var found = await FindRefundAsync(paymentIntentId, key).ConfigureAwait(false);
            if (found is null)
            {
                throw;
            }

            return found;
        }
    }

    /// <summary>How long the customer has to present their card for an in-person refund before it is called off.</summary>
    internal static readonly TimeSpan InPersonRefundWait = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Interac payments are refunded in person only: Stripe refuses them online and offers
    /// <c>refund_payment</c> for Interac alone (docs: terminal/features/refunds). A refund is only
    /// ever issued for money taken, whose network the checkout has read (its result, or for a
    /// cancellation that found an Interac payment captured in one step, the PaymentIntent as last
    /// read), so the choice is made before any call.
    /// </summary>
    private static bool IsInterac(CheckoutRunner runner) =>
        runner.Handle.Result is CheckoutSucceeded { Network: "interac" } || runner.KnownNetwork == "interac";

    /// <summary>
    /// Refunds on the checkout's reader: <c>refund_payment</c>, then the reader is polled until the
    /// customer has presented their card (or cancelled, or <see cref="InPersonRefundWait"/> ran out,
    /// when the action is cancelled). The refund is found by the key it carries in its metadata.
    /// </summary>
    private async Task<RefundObservation> RefundOnReaderAsync(CheckoutCommand c, CheckoutRequest request, string paymentIntentId, TerminalCallOptions? options)
    {
        var key = c.Key.IsEmpty ? null : c.Key.ToString();
        var metadata = new Dictionary<string, string>(2, StringComparer.Ordinal) { [TerminalCheckout.CheckoutIdMetadataKey] = request.CheckoutId };
        if (key is not null)
        {
            metadata[RefundKeyMetadataKey] = key;
        }

        // The answer places the refund's action in the batch rounds' view of the reader (as a payment's
        // does), so a round answered from the events feed never shows the payment's finished action instead.
        var sentAt = time.GetUtcNow();
        var onReader = await payments.RefundOnReaderAsync(
            request.ReaderId,
            new InPersonRefundRequest { PaymentIntentId = paymentIntentId, Amount = c.Amount > 0 ? c.Amount : null, Metadata = metadata, EnableCustomerCancellation = true },
            options,
            stopping).ConfigureAwait(false);
        reads.NoteSent(onReader, sentAt);
        TerminalReaderAction? action;
        try
        {
            // The same wait as ITerminalReaders.WaitForActionAsync, served by the checkouts' batch rounds.
            var expected = new ReaderActionWaitOptions { ExpectedType = ReaderActionType.RefundPayment, ExpectedIntentId = paymentIntentId };
            action = await reads.WaitForActionAsync(
                request.ReaderId, a => TerminalReaders.Matches(a, expected), readerActionPollInterval, InPersonRefundWait, null, stopping).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The customer never presented the card: call the prompt off, then look once more in
            // case the card was presented just before.
            await readers.CancelActionAsync(request.ReaderId, null, stopping).ConfigureAwait(false);
            action = null;
        }

        if (action is { Status: ReaderActionStatus.Failed })
        {
            return new RefundObservation(action.RefundId ?? string.Empty, 0, RefundStatus.Failed);
        }

        var found = key is null ? null : await FindRefundAsync(paymentIntentId, key).ConfigureAwait(false);
        if (found is null && action?.RefundId is { } refundId)
        {
            found = await FindRefundByIdAsync(paymentIntentId, refundId).ConfigureAwait(false);
        }

        return found is null
            ? new RefundObservation(string.Empty, 0, RefundStatus.Canceled)
            : new RefundObservation(found.Id, found.Amount, found.Status);
    }

    private async Task<TerminalRefund?> FindRefundByIdAsync(string paymentIntentId, string refundId)
    {
        await foreach (var refund in payments.ListRefundsAsync(paymentIntentId, null, stopping).ConfigureAwait(false))
        {
            if (string.Equals(refund.Id, refundId, StringComparison.Ordinal))
            {
                return refund;
            }
        }

        return null;
    }

    private async Task<TerminalRefund?> FindRefundAsync(string paymentIntentId, string key)
    {
        try
        {
            await foreach (var refund in payments.ListRefundsAsync(paymentIntentId, null, stopping).ConfigureAwait(false))
            {
                if (refund.Metadata.TryGetValue(RefundKeyMetadataKey, out var carried) && string.Equals(carried, key, StringComparison.Ordinal))
                {
                    return refund;
                }
            }
        }
        catch (StripeTerminalException)
        {
            // Stripe is still unreachable: the original failure stands and the machine verifies later.
        }

        return null;
    }
}
