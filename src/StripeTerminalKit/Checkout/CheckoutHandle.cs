using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// A running checkout: its current state, a stream of updates and the final result. Like a
/// long-running operation, it can be found again by id (<see cref="ITerminalCheckout.FindAsync"/>).
/// </summary>
public sealed class CheckoutHandle
{
    private readonly Lock _gate = new();
    private readonly List<Channel<CheckoutUpdate>> _watchers = [];
    private readonly TaskCompletionSource<CheckoutResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CheckoutUpdate _current;

    internal CheckoutHandle(CheckoutUpdate initial) => _current = initial;

    /// <summary>The caller's checkout id.</summary>
    public string CheckoutId => _current.CheckoutId;

    /// <summary>The latest update.</summary>
    public CheckoutUpdate Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Where the checkout stands now.</summary>
    public CheckoutState State => Current.State;

    /// <summary>Whether the checkout has its final result.</summary>
    public bool HasCompleted => _completion.Task.IsCompleted;

    /// <summary>The final result, or null while running.</summary>
    public CheckoutResult? Result => _completion.Task.IsCompletedSuccessfully ? _completion.Task.Result : null;

    /// <summary>Waits for the final result. Cancelling the token stops waiting; it does not cancel the checkout.</summary>
    public Task<CheckoutResult> WaitForCompletionAsync(CancellationToken cancellationToken = default) =>
        _completion.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// The current state, then every change until the checkout completes (later changes, such
    /// as a refund, are not part of the stream).
    /// </summary>
    public async IAsyncEnumerable<CheckoutUpdate> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<CheckoutUpdate>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            channel.Writer.TryWrite(_current);
            if (_current.Result is not null)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _watchers.Add(channel);
            }
        }

        try
        {
            await foreach (var update in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }
    }

    internal void Publish(CheckoutUpdate update)
    {
        lock (_gate)
        {
            if (_current.Result is not null || (update.State == _current.State && update.Result is null && update.PaymentIntentId == _current.PaymentIntentId))
            {
                return;
            }

            _current = update;
            foreach (var w in _watchers)
            {
                w.Writer.TryWrite(update);
                if (update.Result is not null)
                {
                    w.Writer.TryComplete();
                }
            }

            if (update.Result is not null)
            {
                _watchers.Clear();
            }
        }

        if (update.Result is not null)
        {
            _completion.TrySetResult(update.Result);
        }
    }
}
