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

    private readonly bool _fake;

    internal CheckoutHandle(CheckoutUpdate initial) => _current = initial;

    private CheckoutHandle(CheckoutUpdate initial, bool fake)
        : this(initial) => _fake = fake;

    /// <summary>
    /// A handle that your own test drives, for faking <see cref="ITerminalCheckout"/> in tests of code
    /// that takes payments: return it from your fake's <see cref="ITerminalCheckout.StartAsync"/> and
    /// move it on with <see cref="PublishForTesting"/>. It behaves like a real handle (state,
    /// <see cref="WatchAsync"/>, <see cref="WaitForCompletionAsync"/>).
    /// </summary>
    /// <param name="initial">The first update, such as <see cref="CheckoutState.Created"/>.</param>
    /// <returns>A handle that only <see cref="PublishForTesting"/> moves.</returns>
    public static CheckoutHandle ForTesting(CheckoutUpdate initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        return new CheckoutHandle(initial, fake: true);
    }

    /// <summary>
    /// Moves a handle made by <see cref="ForTesting"/> on: a new state, or the final update carrying
    /// the <see cref="CheckoutUpdate.Result"/>, which completes it.
    /// </summary>
    /// <param name="update">The update; one with a result completes the handle.</param>
    /// <exception cref="InvalidOperationException">The handle belongs to a real checkout.</exception>
    public void PublishForTesting(CheckoutUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!_fake)
        {
            throw new InvalidOperationException("Only a handle made by CheckoutHandle.ForTesting can be moved by a test; a real checkout moves its own handle.");
        }

        Publish(update);
    }

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
    /// The current state, then every change until the checkout completes, each state once; the
    /// last update carries the <see cref="CheckoutUpdate.Result"/> (later changes, such as a
    /// refund, are not part of the stream). A completed state reached before its result is known
    /// is reported with the result, or when the checkout moves on from it.
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
            CheckoutUpdate? held = null;
            CheckoutState? last = null;
            await foreach (var update in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (held is not null && held.State != update.State)
                {
                    yield return held;
                    last = held.State;
                }

                held = null;
                if (update.Result is null && update.State.IsCompleted())
                {
                    // Its result follows in a moment: report the state once, with it.
                    held = update;
                    continue;
                }

                if (update.Result is null && update.State == last)
                {
                    continue;
                }

                last = update.State;
                yield return update;
            }

            if (held is not null)
            {
                yield return held;
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
