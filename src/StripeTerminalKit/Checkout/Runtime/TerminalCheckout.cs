using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Polling;
using StripeTerminalKit.Webhooks;

using StripeTerminalKit.Validation;

namespace StripeTerminalKit.Checkout.Runtime;

/// <summary>
/// The <see cref="ITerminalCheckout"/> façade: starts and resumes checkouts, enforces one active
/// checkout per reader through the store, routes webhooks to the checkout they concern, and
/// shares one polling budget across all checkouts.
/// </summary>
internal sealed class TerminalCheckout : ITerminalCheckout, ITerminalWebhookHandler, IWorkCounter, IAsyncDisposable, IDisposable
{
    /// <summary>The PaymentIntent metadata key carrying the checkout id, so any instance can find a checkout from Stripe's side.</summary>
    internal const string CheckoutIdMetadataKey = "stk_checkout_id";

    /// <summary>The PaymentIntent metadata key carrying the checkout's owner, when it has one.</summary>
    internal const string OwnerMetadataKey = "stk_owner";

    private readonly ConcurrentDictionary<string, CheckoutRunner> _runners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CheckoutRunner> _byPaymentIntent = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CheckoutMachine _pollingMachine;
    private readonly CheckoutMachine _webhookMachine;
    private readonly CheckoutMachine _batchMachine;
    private readonly StripeTerminalCheckoutOptions _options;

    private readonly string? _country;
    private readonly string? _defaultCurrency;

    public TerminalCheckout(
        Payments.ITerminalPayments payments,
        Readers.ITerminalReaders readers,
        ICheckoutStore store,
        StripeTerminalCheckoutOptions options,
        TimeProvider time,
        ILogger logger,
        string? country,
        string? defaultCurrency = null)
    {
        _options = options;
        InstanceId = options.EffectiveInstanceId;
        LeaseName = InstanceLeasePrefix + InstanceId;
        _country = country;
        _defaultCurrency = defaultCurrency;
        Store = store;
        Time = time;
        Logger = logger;
        WebhookHealth = new WebhookHealth(time, options.WebhookHealthWindow);
        // One budget per endpoint read: a read that decides an outcome (the PaymentIntent) never
        // queues behind the routine reader polls of every other waiting checkout. Waiting checkouts'
        // readers are listed in batches (one request per page of 100 readers) when the readers
        // module can list pages; the list endpoint has its own budget of the same rate. In a farm
        // the ownership round splits each budget over the live instances (ReadBudget).
        ReadBudget = new ReadBudgetShare(options.PollRequestsPerSecond, options.PollBurst, time);
        Batches = options.BatchPollInterval > TimeSpan.Zero && readers is IReaderPageSource pages
            ? new ReaderBatchScheduler(pages, ReadBudget.ReaderLists, time, new ReaderBatchSettings(options.BatchPollInterval), Work, _stopping.Token)
            : null;
        Commands = new CheckoutCommandExecutor(
            payments,
            readers,
            ReadBudget.Readers,
            ReadBudget.PaymentIntents,
            time,
            country,
            _stopping.Token,
            Batches);
        _pollingMachine = new CheckoutMachine(CheckoutMachineOptions.Default with
        {
            PollInterval = options.PollInterval,
        });
        // A batched checkout asks again half a batch interval after each answer, in time for the next
        // round: the batch's pace is the poll's pace, and one list request answers all of them, so
        // asking often costs no extra request.
        var batchPoll = options.BatchPollInterval > TimeSpan.Zero ? options.BatchPollInterval / 2 : options.PollInterval;
        _batchMachine = new CheckoutMachine(CheckoutMachineOptions.Default with
        {
            PollInterval = batchPoll,
            PollSlowInterval = batchPoll,
        });
        _webhookMachine = new CheckoutMachine(CheckoutMachineOptions.Default with
        {
            PollInterval = options.SafetyNetPollInterval,
            PollSlowInterval = options.SafetyNetPollInterval,
        });
    }

    internal ICheckoutStore Store { get; }

    /// <summary>This instance's share of the account's polling budget.</summary>
    internal ReadBudgetShare ReadBudget { get; }

    /// <summary>The prefix of every instance's lease name in the store.</summary>
    internal const string InstanceLeasePrefix = "instance:";

    /// <summary>This instance's name (<see cref="StripeTerminalCheckoutOptions.InstanceId"/>).</summary>
    internal string InstanceId { get; }

    /// <summary>The lease this instance drives its checkouts under: <c>instance:{InstanceId}</c>.</summary>
    internal string LeaseName { get; }

    internal TimeSpan LeaseDuration => _options.LeaseDuration;

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    internal WebhookHealth WebhookHealth { get; }

    internal CheckoutCommandExecutor Commands { get; }

    /// <summary>Reads waiting checkouts' readers in batches, or null when each reads its own.</summary>
    internal ReaderBatchScheduler? Batches { get; }

    /// <summary>
    /// The machine whose polling pace fits the webhooks' health right now: a slow safety net while
    /// they are healthy, else the batch's pace, or the single-read pace for a reader read alone.
    /// </summary>
    internal CheckoutMachine MachineFor(bool readsReaderAlone = false) =>
        _options.WebhooksEnabled && WebhookHealth.IsHealthy ? _webhookMachine
        : Batches is not null && !readsReaderAlone ? _batchMachine
        : _pollingMachine;

    public async Task<CheckoutHandle> StartAsync(CheckoutRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request = request.WithDefaultCurrency(_defaultCurrency, _country);
        Validate(request);
        return (await StartRunnerAsync(request, cancellationToken).ConfigureAwait(false)).Handle;
    }

    private async Task<CheckoutRunner> StartRunnerAsync(CheckoutRequest request, CancellationToken cancellationToken)
    {

        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_runners.TryGetValue(request.CheckoutId, out var running))
            {
                EnsureSameRequest(running.Request, request);
                return running;
            }

            var stored = await Store.LoadAsync(request.CheckoutId, cancellationToken).ConfigureAwait(false);
            if (stored is not null)
            {
                var state = CheckoutStateSerializer.Deserialize(stored.StateJson);
                EnsureSameRequest(state.Request, request);

                // Driven here only under this instance's lease: the take moves the version when it
                // changes hands, so the previous holder's next save fails and it stops.
                var taken = await Store.TryTakeCheckoutAsync(request.CheckoutId, LeaseName, cancellationToken).ConfigureAwait(false)
                    ?? throw new CheckoutConcurrencyException(
                        $"Checkout '{request.CheckoutId}' is being driven by another server instance; ask that instance, or again once it has finished or its lease has ended.")
                    { CheckoutId = request.CheckoutId };
                if (taken.Version != stored.Version)
                {
                    state = CheckoutStateSerializer.Deserialize(taken.StateJson);
                }

                var resumed = Add(state, taken.Version);
                Log.Resumed(Logger, request.CheckoutId, stored.State);
                resumed.Post(CheckoutEvent.Resume(Time.GetUtcNow()));
                return resumed;
            }

            if (!await Store.TryClaimReaderAsync(request.ReaderId, request.CheckoutId, cancellationToken).ConfigureAwait(false))
            {
                // The holder is not named: it may be another owner's sale.
                throw new ReaderBusyException($"Reader {request.ReaderId} is taking another checkout; one checkout runs on a reader at a time.")
                {
                    ReaderId = request.ReaderId,
                    ErrorCode = "reader_has_active_checkout",
                };
            }

            // Stored before the caller hears "started": a process killed right after this returns
            // resumes the checkout at its next start (from the store, with no request from the
            // caller) instead of forgetting a sale the caller was told had begun, with its reader
            // left claimed by a checkout the store does not hold.
            var initial = CheckoutMachineState.Create(request);
            var first = CheckoutStateSerializer.Record(in initial, completed: false, version: 1, Time.GetUtcNow()) with { LeaseHolder = LeaseName };
            try
            {
                await Store.SaveAsync(first, 0, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await Store.ReleaseReaderAsync(request.ReaderId, request.CheckoutId, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            var runner = Add(initial, 1);
            runner.Post(CheckoutEvent.Start(Time.GetUtcNow()));
            return runner;
        }
        finally
        {
            _startGate.Release();
        }
    }

    public async Task<CheckoutResult> RunAsync(CheckoutRequest request, CancellationToken cancellationToken = default)
    {
        var handle = await StartAsync(request, cancellationToken).ConfigureAwait(false);
        using var registration = cancellationToken.Register(static s =>
        {
            var (self, id) = ((TerminalCheckout, string))s!;
            _ = self.CancelAsync(id, CancellationToken.None);
        }, (this, request.CheckoutId));
        return await handle.WaitForCompletionAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async Task<CheckoutSnapshot?> GetAsync(string checkoutId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkoutId);
        if (_runners.TryGetValue(checkoutId, out var runner))
        {
            // The handle stops at completion; the runner also knows later captures, voids and refunds.
            var current = runner.Handle.Current;
            var latest = runner.Latest;
            return new CheckoutSnapshot(checkoutId, runner.Request.ReaderId, runner.Request.Amount, runner.Request.Currency, latest.State, current.PaymentIntentId, current.Result, latest.At > current.At ? latest.At : current.At) { Owner = runner.Request.Owner };
        }

        var stored = await Store.LoadAsync(checkoutId, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : ToSnapshot(stored);
    }

    public async Task<CheckoutHandle?> FindAsync(string checkoutId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkoutId);
        return (await FindRunnerAsync(checkoutId, cancellationToken).ConfigureAwait(false))?.Handle;
    }

    /// <summary>The running checkout, or the stored one brought back (a finished one reports its result at once).</summary>
    private async Task<CheckoutRunner?> FindRunnerAsync(string checkoutId, CancellationToken cancellationToken)
    {
        if (_runners.TryGetValue(checkoutId, out var runner))
        {
            return runner;
        }

        var stored = await Store.LoadAsync(checkoutId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        var state = CheckoutStateSerializer.Deserialize(stored.StateJson);
        return await StartRunnerAsync(state.Request, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<CheckoutSnapshot> ListUnfinishedAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var record in Store.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return _runners.TryGetValue(record.CheckoutId, out var runner)
                ? new CheckoutSnapshot(record.CheckoutId, record.ReaderId, runner.Request.Amount, runner.Request.Currency, runner.Handle.State, runner.Handle.Current.PaymentIntentId, null, runner.Handle.Current.At) { Owner = runner.Request.Owner }
                : ToSnapshot(record);
        }
    }

    public async Task<IReadOnlyList<CheckoutHandle>> ResumeUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        var requests = new List<CheckoutRequest>();
        await foreach (var record in Store.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false))
        {
            requests.Add(CheckoutStateSerializer.Deserialize(record.StateJson).Request);
        }

        var handles = new List<CheckoutHandle>(requests.Count);
        foreach (var request in requests)
        {
            try
            {
                handles.Add(await StartAsync(request, cancellationToken).ConfigureAwait(false));
            }
            catch (CheckoutConcurrencyException)
            {
                // Another live instance drives it: it is that instance's to resume.
            }
        }

        return handles;
    }

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

    /// <summary>Webhooks: the first of webhook and poll to show an outcome wins; the machine ignores the other.</summary>
    public ValueTask HandleAsync(TerminalWebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        if (webhookEvent.PaymentIntentId is null || !_byPaymentIntent.TryGetValue(webhookEvent.PaymentIntentId, out var runner))
        {
            return ValueTask.CompletedTask;
        }

        WebhookHealth.WebhookArrived(webhookEvent.Created);

        // A verified event carries the object as Stripe saw it: where nothing is in doubt the machine
        // acts on it as on a fresh read, so a healthy checkout needs no read at all.
        if (StripeValues.Observation(webhookEvent, runner.Request.Amount, Time.GetUtcNow()) is { } observed)
        {
            runner.Post(in observed);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The runtime's work in progress (events queued, Stripe calls running), which drivers on a fake
    /// clock watch to know when to advance it.
    /// </summary>
    internal WorkCounter Work { get; } = new();

    // Counted through the façade because a runner's calls count on their owner (runner.Owner).
    /// <inheritdoc />
    public void WorkQueued() => Work.WorkQueued();

    /// <inheritdoc />
    public void WorkDone() => Work.WorkDone();

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

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        foreach (var runner in _runners.Values)
        {
            runner.Stop();
        }

        _stopping.Dispose();
        _startGate.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        // Registered under several service types, so the container may dispose it more than once.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var runner in _runners.Values)
        {
            runner.Stop();
        }

        _stopping.Dispose();
        _startGate.Dispose();
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

    private void Validate(CheckoutRequest request)
    {
        try
        {
            request.Validate();
        }
        catch (ArgumentException exception)
        {
            throw TerminalValidationException.For(exception.ParamName ?? "request", exception.Message);
        }

        // What the request alone cannot know: the reader id's shape, and the currencies and
        // minimum charge of the account's country. Refused here, before any Stripe call, rather
        // than as a failed checkout after the handle was given out.
        Guard.Id(request.ReaderId, nameof(CheckoutRequest.ReaderId), "tmr_");
        if (_country is not null)
        {
            Guard.Currency(request.Currency, nameof(CheckoutRequest.Currency), _country);
        }
        else if (!TerminalCurrencies.IsIso4217(request.Currency))
        {
            throw TerminalValidationException.For(nameof(CheckoutRequest.Currency), $"'{request.Currency}' is not an ISO 4217 currency code.");
        }

        Guard.Amount(request.Amount, nameof(CheckoutRequest.Amount), request.Currency);
    }

    /// <summary>The same checkout id must mean the same sale: anything else is a caller bug, not a resume.</summary>
    private static void EnsureSameRequest(CheckoutRequest existing, CheckoutRequest request)
    {
        if (!string.Equals(existing.Owner, request.Owner, StringComparison.Ordinal))
        {
            // Another owner's sale: say nothing about it (not its amount, reader, state or even whose it is).
            throw new TerminalValidationException($"{nameof(CheckoutRequest.CheckoutId)}: '{request.CheckoutId}' cannot be used for this sale; use a new checkout id.")
            {
                Parameter = nameof(CheckoutRequest.CheckoutId),
                ErrorCode = "checkout_id_unavailable",
            };
        }

        if (existing.Amount != request.Amount || !string.Equals(existing.Currency, request.Currency, StringComparison.OrdinalIgnoreCase) || existing.ReaderId != request.ReaderId)
        {
            throw TerminalValidationException.For(nameof(CheckoutRequest.CheckoutId),
                $"checkout '{request.CheckoutId}' already exists with another amount, currency or reader; use a new checkout id for a new sale.");
        }
    }

    private static CheckoutSnapshot ToSnapshot(CheckoutRecord record)
    {
        var state = CheckoutStateSerializer.Deserialize(record.StateJson);
        return new CheckoutSnapshot(record.CheckoutId, record.ReaderId, state.Request.Amount, state.Request.Currency, record.State, state.PaymentIntentId, state.Result, record.UpdatedAt) { Owner = state.Request.Owner };
    }
}
