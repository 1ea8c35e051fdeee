namespace StripeTerminalKit.Checkout.Runtime;

// The tables of the checkouts this instance drives (by checkout id and by PaymentIntent id) and
// what a runner asks of its owner as it starts, finishes, retires or loses its lease.
internal sealed partial class TerminalCheckout
{
    internal void IndexPaymentIntent(CheckoutRunner runner, string paymentIntentId) => _byPaymentIntent[paymentIntentId] = runner;

    /// <summary>
    /// A finished checkout with nothing left to do leaves the tables: a long-running process must
    /// not keep every checkout it ever took. Later operations (capture, void, refund) and lookups
    /// bring it back from the store.
    /// </summary>
    internal void Retire(CheckoutRunner runner)
    {
        _runners.TryRemove(new KeyValuePair<string, CheckoutRunner>(runner.CheckoutId, runner));
        if (runner.PaymentIntentId is { } paymentIntentId)
        {
            _byPaymentIntent.TryRemove(new KeyValuePair<string, CheckoutRunner>(paymentIntentId, runner));
        }
    }

    /// <summary>
    /// A retired runner was handed work again (an operation that reached it after it left the
    /// tables): it takes its place back, unless a newer runner was brought from the store
    /// meanwhile; then that one is returned and the work goes there. Two runners of one checkout
    /// would each save over the other.
    /// </summary>
    internal CheckoutRunner Readopt(CheckoutRunner runner)
    {
        var current = _runners.GetOrAdd(runner.CheckoutId, runner);
        if (current == runner && runner.PaymentIntentId is { } paymentIntentId)
        {
            IndexPaymentIntent(runner, paymentIntentId);
        }

        return current;
    }

    /// <summary>A finished runner lets the checkout's lease go (best effort: the lease still ends with this instance's).</summary>
    internal async ValueTask ReleaseLeaseAsync(CheckoutRunner runner)
    {
        try
        {
            await Store.ReleaseCheckoutAsync(runner.CheckoutId, LeaseName).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a release that fails leaves the checkout held by a live instance, which still serves it
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.LeaseReleaseFailed(Logger, runner.CheckoutId, exception);
        }
    }

    /// <summary>The runners driving checkouts here now.</summary>
    internal ICollection<CheckoutRunner> Runners => _runners.Values;

    /// <summary>Stops the runner of a checkout whose lease this instance no longer holds.</summary>
    internal void Fence(CheckoutRunner runner)
    {
        Retire(runner);
        runner.Fence();
    }

    internal async ValueTask OnCompletedAsync(CheckoutRunner runner, CheckoutResult result)
    {
        Log.Completed(Logger, runner.CheckoutId, result.Outcome);
        try
        {
            await Store.ReleaseReaderAsync(runner.Request.ReaderId, runner.CheckoutId).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a store that cannot release must not stop the result from being published
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.ReleaseFailed(Logger, runner.CheckoutId, exception);
        }
    }

    private CheckoutRunner Add(CheckoutMachineState state, long version)
    {
        var runner = new CheckoutRunner(this, state, version);
        var current = _runners.GetOrAdd(state.Request.CheckoutId, runner);
        if (current != runner)
        {
            // A retired runner took its place back meanwhile (an operation reached it): one runner
            // per checkout, so this one never runs.
            runner.Stop();
            return current;
        }

        if (state.PaymentIntentId is not null)
        {
            IndexPaymentIntent(runner, state.PaymentIntentId);
        }

        return runner;
    }
}
