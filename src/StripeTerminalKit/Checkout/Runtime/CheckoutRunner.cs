using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace StripeTerminalKit.Checkout.Runtime;

/// <summary>
/// The imperative shell around one checkout: a single loop feeds events to the pure state
/// machine, saves the state before any command that changes money, then runs the commands
/// and feeds their answers back as events. One loop per checkout, so transitions never race.
/// </summary>
internal sealed partial class CheckoutRunner
{

    private readonly TerminalCheckout _owner;
    // The event is handled on the thread that posts it when the loop is waiting: one thread hop less per
    // event (an answer, a tick); a webhook is the exception (PostArrival). The loop never re-enters
    // itself: while it runs, posts queue.
    // Bounded in name only (never full): its buffer starts at 4 items and grows, where an unbounded
    // channel's starts at 32, and an item carries a whole event (~300 bytes), so a waiting checkout
    // held ~10 KB of empty inbox (in-flight memory benchmark, issue 17 item 5).
    private readonly Channel<Work> _inbox = Channel.CreateBounded<Work>(new BoundedChannelOptions(int.MaxValue)
    {
        SingleReader = true,
        AllowSynchronousContinuations = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly CheckoutCommandBuffer _buffer = new();
    private readonly List<Pending> _pendingOperations = [];

    // The caller's operation whose request this runner is handling right now: the machine answers
    // a request it refuses in the same transition, so that answer is this caller's, never the one
    // of an earlier request of the same kind still in flight.
    private TaskCompletionSource<CheckoutOperationResult>? _asking;
    private CheckoutCommand[] _commands = new CheckoutCommand[4];
    private CheckoutMachineState _state;
    private ITimer? _wakeUp;
    private long _version;
    private bool _hintSinceSend;

    private bool _completedReported;
    private bool _stopped;

    // Set from outside the loop when this instance no longer holds the checkout's lease.
    private volatile bool _fenced;

    // Left the owner's tables (finished, nothing in flight); handed work again, it takes its place back.
    private bool _retired;
    private volatile StateAt? _latest;

    public CheckoutRunner(TerminalCheckout owner, CheckoutMachineState state, long version)
    {
        _owner = owner;
        _state = state;
        _version = version;
        Handle = new CheckoutHandle(new CheckoutUpdate(state.Request.CheckoutId, state.PublicState, owner.Time.GetUtcNow(), state.PaymentIntentId, null));
        if (state.Result is not null)
        {
            // Reloaded after it finished (a restart): the machine will not complete it again.
            _completedReported = true;
            Handle.Publish(new CheckoutUpdate(state.Request.CheckoutId, state.PublicState, owner.Time.GetUtcNow(), state.PaymentIntentId, state.Result));
        }

        _ = Task.Run(RunAsync);
    }

    public CheckoutHandle Handle { get; }

    public TerminalCheckout Owner => _owner;

    public CheckoutRequest Request => _state.Request;

    public string CheckoutId => _state.Request.CheckoutId;

    public string? PaymentIntentId { get; private set; }

    /// <summary>The network of the PaymentIntent's latest charge as last read (e.g. <c>interac</c>), for the executor's choice of refund.</summary>
    public string? KnownNetwork => _state.Known.Network;

    /// <summary>
    /// The public state now, including changes after completion (a capture, void or refund),
    /// which the handle's stream no longer carries.
    /// </summary>
    public StateAt Latest => _latest ?? new StateAt(Handle.Current.State, Handle.Current.At);

    public void Post(in CheckoutEvent e) => Enqueue(new Work(e, null, default));

    /// <summary>
    /// An event delivered from outside the kit (a webhook): the loop handles it, but never on the
    /// deliverer's thread. The deliverer is an endpoint that should answer Stripe at once, and a
    /// delivery lane whose next events would otherwise run before anything this checkout queues
    /// (the caller's answer after the capture waited behind the capture's own webhooks).
    /// </summary>
    public void PostArrival(in CheckoutEvent e)
    {
        t_delivering = this;
        try
        {
            Enqueue(new Work(e, null, default));
        }
        finally
        {
            t_delivering = null;
        }
    }

    // Set while PostArrival writes: the loop, run inline by that write (it was waiting, so the work it
    // reads is that arrival), knows it is on the deliverer's stack. Work the loop reads on its own
    // thread, buffered while it ran, needs no hop.
    [ThreadStatic]
    private static CheckoutRunner? t_delivering;

    public Task<CheckoutOperationResult> RequestAsync(in CheckoutEvent e, CheckoutOperation operation)
    {
        var tcs = new TaskCompletionSource<CheckoutOperationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new Work(e, tcs, operation));
        return tcs.Task;
    }

    /// <summary>Queues work for the loop; work that cannot be queued (stopped) fails its operation.</summary>
    private void Enqueue(Work work)
    {
        _owner.Work.WorkQueued();
        if (!_inbox.Writer.TryWrite(work))
        {
            _owner.Work.WorkDone();
            work.Operation?.TrySetException(new ObjectDisposedException(nameof(TerminalCheckout)));
        }
    }

    /// <summary>
    /// The lease is lost (another instance took the checkout, or this one could not renew its
    /// own): no further Stripe call from this runner; pending callers are told to ask again.
    /// </summary>
    public void Fence()
    {
        _fenced = true;
        Enqueue(new Work(CheckoutEvent.Tick(_owner.Time.GetUtcNow()), null, default));
        Stop();
    }

    public void Stop()
    {
        _inbox.Writer.TryComplete();
        _wakeUp?.Dispose();
    }

    private async Task RunAsync()
    {
        await foreach (var work in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (t_delivering == this)
            {
                await ThreadPoolHop.Instance;
            }

            try
            {
                await HandleAsync(work).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // the loop must survive anything one event throws: the checkout would hang otherwise
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.RunnerFault(_owner.Logger, CheckoutId, exception);
                ScheduleWakeUp(_owner.Time.GetUtcNow() + TimeSpan.FromSeconds(1));
            }
            finally
            {
                _owner.Work.WorkDone();
            }
        }
    }

    private async Task HandleAsync(Work work)
    {
        if (_fenced && !_stopped)
        {
            await LoseOwnershipAsync(null).ConfigureAwait(false);
        }

        if (_stopped)
        {
            work.Operation?.TrySetException(new ObjectDisposedException(nameof(CheckoutRunner), $"Checkout '{CheckoutId}' is driven by another writer of the checkout store."));
            return;
        }

        if (_retired)
        {
            var current = _owner.Readopt(this);
            if (current != this)
            {
                // A newer runner drives the checkout: the caller's operation goes there; anything
                // else (an answer to one of this runner's own calls) meant nothing to it.
                if (work.Operation is not null)
                {
                    current.Enqueue(work);
                }

                return;
            }

            _retired = false;
        }

        if (work.Operation is not null)
        {
            _pendingOperations.Add(new Pending(work.Kind, work.Operation));
        }

        var e = work.Event;
        if (e.Kind is CheckoutEventKind.ReaderWebhook or CheckoutEventKind.PaymentIntentWebhook
            or CheckoutEventKind.ReaderObserved or CheckoutEventKind.PaymentIntentObserved)
        {
            _hintSinceSend = true;
        }

        var previousPhase = _state.Phase;
        _state = _owner.MachineFor(ReadsReaderAlone).Transition(in _state, in e, _buffer);
        var count = _buffer.Count;
        if (count > _commands.Length)
        {
            // Most transitions emit one or two commands: the copy grows only when one emits more.
            _commands = new CheckoutCommand[count];
        }

        var mustSave = _state.Phase != previousPhase;
        for (var i = 0; i < count; i++)
        {
            _commands[i] = _buffer[i];
            mustSave |= _commands[i].IsMutation || _commands[i].Kind is CheckoutCommandKind.Complete or CheckoutCommandKind.ReportOperation;
        }

        if (_state.PaymentIntentId is not null && PaymentIntentId != _state.PaymentIntentId)
        {
            PaymentIntentId = _state.PaymentIntentId;
            _owner.IndexPaymentIntent(this, PaymentIntentId);
        }

        var completedResult = FindResult(count);
        if (mustSave)
        {
            // Before any call that changes money: a crash from here on resumes with the same keys.
            try
            {
                await SaveAsync(completedResult).ConfigureAwait(false);
            }
            catch (CheckoutConcurrencyException conflict)
            {
                // Another writer (another process on the same store) saved this checkout first: it
                // drives it now. No command of this transition runs; this runner stops.
                Array.Clear(_commands, 0, count);
                await LoseOwnershipAsync(conflict).ConfigureAwait(false);
                return;
            }
        }

        if (completedResult is not null && !_completedReported)
        {
            // Free the reader before anyone can see the result: a POS starts the next sale at once.
            await _owner.OnCompletedAsync(this, completedResult).ConfigureAwait(false);
        }

        if (_latest is null || _latest.State != _state.PublicState)
        {
            _latest = new StateAt(_state.PublicState, _owner.Time.GetUtcNow());
        }

        if (!_completedReported)
        {
            Handle.Publish(new CheckoutUpdate(CheckoutId, _state.PublicState, _owner.Time.GetUtcNow(), _state.PaymentIntentId, null));
        }

        // A routine poll (the clock's tick while the customer is awaited) may wait for a batch;
        // a read the machine asks for in answer to something (a send's answer, a webhook) may not.
        var waitingPoll = e.Kind == CheckoutEventKind.Tick && _state.Phase == CheckoutPhase.AwaitingReader;
        _asking = work.Operation;
        try
        {
            for (var i = 0; i < count; i++)
            {
                Execute(in _commands[i], waitingPoll);
            }
        }
        finally
        {
            _asking = null;
        }

        // Commands hold results and ids: a checkout waiting for hours should not keep them.
        Array.Clear(_commands, 0, count);

        if (_state.IsCompleted && _state.Operation == PostOperation.None && _pendingOperations.Count == 0)
        {
            // Finished, nothing in flight: stop the timer (no stray ticks), leave the tables and
            // let the checkout's lease go, so any instance may capture, void or refund it later.
            _wakeUp?.Dispose();
            _wakeUp = null;
            _retired = true;
            _owner.Retire(this);
            await _owner.ReleaseLeaseAsync(this).ConfigureAwait(false);
        }
    }

    private CheckoutResult? FindResult(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (_commands[i].Kind == CheckoutCommandKind.Complete)
            {
                return _commands[i].Result;
            }
        }

        return null;
    }

    private async Task SaveAsync(CheckoutResult? completedResult)
    {
        var completed = completedResult is not null || _state.PublicState.IsCompleted();
        var record = CheckoutStateSerializer.Record(in _state, completed, _version + 1, _owner.Time.GetUtcNow());
        await _owner.Store.SaveAsync(record, _version).ConfigureAwait(false);
        _version = record.Version;
    }

    /// <summary>
    /// Lost a compare-and-set or the lease (<paramref name="conflict"/> null): stop acting (no
    /// further Stripe call from this runner), reload what the store holds, and hand the result to
    /// anyone waiting if the other writer finished it.
    /// </summary>
    private async Task LoseOwnershipAsync(CheckoutConcurrencyException? conflict)
    {
        if (conflict is null)
        {
            Log.LeaseLost(_owner.Logger, CheckoutId);
            conflict = CheckoutConcurrencyException.For(CheckoutId, _version, _version);
        }
        else
        {
            Log.OwnershipLost(_owner.Logger, CheckoutId, conflict.ExpectedVersion, conflict.ActualVersion);
        }

        _stopped = true;
        _inbox.Writer.TryComplete();
        _wakeUp?.Dispose();
        _wakeUp = null;
        _owner.Retire(this);
        var stored = await _owner.Store.LoadAsync(CheckoutId).ConfigureAwait(false);
        if (stored is not null)
        {
            _state = CheckoutStateSerializer.Deserialize(stored.StateJson);
            _version = stored.Version;
            _latest = new StateAt(_state.PublicState, stored.UpdatedAt);
            if (_state.Result is { } result && !_completedReported)
            {
                _completedReported = true;
                Handle.Publish(new CheckoutUpdate(CheckoutId, _state.PublicState, _owner.Time.GetUtcNow(), _state.PaymentIntentId, result));
            }
        }

        foreach (var pending in _pendingOperations)
        {
            pending.Completion.TrySetException(new CheckoutConcurrencyException(
                $"Checkout '{CheckoutId}' is being driven by another writer of the checkout store; ask again.", conflict) { CheckoutId = CheckoutId });
        }

        _pendingOperations.Clear();
    }

    /// <summary>A public state and when it was reached.</summary>
    public sealed record StateAt(CheckoutState State, DateTimeOffset At);

    private readonly record struct Work(CheckoutEvent Event, TaskCompletionSource<CheckoutOperationResult>? Operation, CheckoutOperation Kind);

    private readonly record struct Pending(CheckoutOperation Kind, TaskCompletionSource<CheckoutOperationResult> Completion);
}

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Checkout {CheckoutId}: an event could not be handled; retrying shortly")]
    public static partial void RunnerFault(ILogger logger, string checkoutId, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Checkout {CheckoutId} completed: {Outcome}")]
    public static partial void Completed(ILogger logger, string checkoutId, CheckoutOutcome outcome);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Checkout {CheckoutId} resumed from the store in state {State}")]
    public static partial void Resumed(ILogger logger, string checkoutId, CheckoutState state);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Checkout {CheckoutId}: another writer saved it first (expected version {Expected}, store holds {Actual}); this runner stops and leaves it to that writer")]
    public static partial void OwnershipLost(ILogger logger, string checkoutId, long expected, long actual);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Checkout {CheckoutId}: this instance no longer holds its lease; this runner stops and leaves it to the instance that does")]
    public static partial void LeaseLost(ILogger logger, string checkoutId);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Checkout {CheckoutId} finished but the store could not let its lease go; it is free when this instance's lease ends")]
    public static partial void LeaseReleaseFailed(ILogger logger, string checkoutId, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Checkout {CheckoutId} completed but the store could not release its reader")]
    public static partial void ReleaseFailed(ILogger logger, string checkoutId, Exception exception);
}
