using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Checkout.Runtime;

// Operations on a checkout after it started (cancel, retry, capture, refund): each is handed to
// the checkout's runner, brought back from the store first when it is not running here.
internal sealed partial class TerminalCheckout
{
    public Task<CheckoutOperationResult> CancelAsync(string checkoutId, CancellationToken cancellationToken = default) =>
        OperateAsync(checkoutId, CheckoutEvent.Cancel(Time.GetUtcNow()), CheckoutOperation.Cancel, cancellationToken);

    public Task<CheckoutOperationResult> RetryAsync(string checkoutId, CancellationToken cancellationToken = default) =>
        OperateAsync(checkoutId, CheckoutEvent.Retry(Time.GetUtcNow()), CheckoutOperation.Retry, cancellationToken);

    public Task<CheckoutOperationResult> CaptureAsync(string checkoutId, long? amount = null, CancellationToken cancellationToken = default)
    {
        if (amount is <= 0)
        {
            throw TerminalValidationException.For(nameof(amount), "must be positive when given; leave it null to capture everything authorised.");
        }

        return OperateAsync(checkoutId, CheckoutEvent.Capture(Time.GetUtcNow(), amount ?? 0), CheckoutOperation.Capture, cancellationToken);
    }

    public Task<CheckoutOperationResult> RefundAsync(string checkoutId, long? amount = null, CancellationToken cancellationToken = default)
    {
        if (amount is <= 0)
        {
            throw TerminalValidationException.For(nameof(amount), "must be positive when given; leave it null to refund what is left.");
        }

        return OperateAsync(checkoutId, CheckoutEvent.RefundRequest(Time.GetUtcNow(), amount ?? 0), CheckoutOperation.Refund, cancellationToken);
    }

    private Task<CheckoutOperationResult> OperateAsync(string checkoutId, CheckoutEvent e, CheckoutOperation operation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkoutId);

        // A checkout running here: hand back the runner's own answer, complete the moment the
        // checkout reports it (an async wrapper would finish one thread-pool hop later).
        if (_runners.TryGetValue(checkoutId, out var running))
        {
            return running.RequestAsync(in e, operation).WaitAsync(cancellationToken);
        }

        // A finished checkout brought back from the store: when the store answers at once (in
        // memory), hand back the runner's own answer too, without the extra hop.
        var found = FindRunnerAsync(checkoutId, cancellationToken);
        if (found.IsCompletedSuccessfully)
        {
            return found.Result is { } runner
                ? runner.RequestAsync(in e, operation).WaitAsync(cancellationToken)
                : Task.FromException<CheckoutOperationResult>(NotFound(checkoutId));
        }

        return LoadAndOperateAsync(checkoutId, found, e, operation, cancellationToken);
    }

    private static ResourceNotFoundException NotFound(string checkoutId) =>
        new($"No checkout '{checkoutId}' is known here or in the checkout store.") { ResourceId = checkoutId, ErrorCode = "checkout_not_found" };

    private static async Task<CheckoutOperationResult> LoadAndOperateAsync(string checkoutId, Task<CheckoutRunner?> found, CheckoutEvent e, CheckoutOperation operation, CancellationToken cancellationToken)
    {
        // The runner itself, not a second lookup: a finished checkout's runner leaves the table as
        // soon as it is idle, yet still takes the operation it is handed.
        var runner = await found.ConfigureAwait(false) ?? throw NotFound(checkoutId);
        return await runner.RequestAsync(in e, operation).WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
