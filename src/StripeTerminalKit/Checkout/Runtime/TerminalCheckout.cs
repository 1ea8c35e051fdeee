using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Polling;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Checkout.Runtime;

/// <summary>
/// The <see cref="ITerminalCheckout"/> façade: starts and resumes checkouts, enforces one active
/// checkout per reader through the store, routes webhooks to the checkout they concern, and
/// shares one polling budget across all checkouts.
/// </summary>
/// <remarks>
/// Split by concern: this file starts, finds and lists checkouts and routes webhooks;
/// <c>.Operations</c> hands later operations to a checkout's runner; <c>.Runners</c> keeps the
/// tables of running checkouts; <c>.Requests</c> checks a request before anything is stored.
/// </remarks>
internal sealed partial class TerminalCheckout : ITerminalCheckout, ITerminalWebhookHandler, IAsyncDisposable, IDisposable
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
        string? defaultCurrency = null,
        RequestBudgetShare? readBudget = null,
        TimeSpan? readerActionPollInterval = null)
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
        // the ownership round splits each budget over the live instances (Budgets).
        // The same budget the readers module's waits for a reader action take their turns from.
        Budgets = readBudget ?? new RequestBudgetShare(options.PollRequestsPerSecond, options.PollBurst, time, options.WriteRequestsPerSecond);
        Batches = options.BatchPollInterval > TimeSpan.Zero && readers is IReaderPageSource pages
            ? new ReaderBatchScheduler(pages, Budgets.ReaderLists, time, new ReaderBatchSettings(options.BatchPollInterval), Work, _stopping.Token)
            : null;
        Reads = new ReaderReads(
            (id, callOptions, ct) => readers.GetAsync(id, callOptions, ct), Budgets.Readers, Batches, time, logger);
        Commands = new CheckoutCommandExecutor(
            payments,
            readers,
            Reads,
            Budgets,
            time,
            country,
            readerActionPollInterval ?? PollingDefaults.ActionWait,
            _stopping.Token);
        // Single reads slow down after the first minute, but never below the pace the options ask for.
        _pollingMachine = new CheckoutMachine(CheckoutMachineOptions.Default with
        {
            PollInterval = options.PollInterval,
            PollSlowInterval = PollingDefaults.SlowReadAfter(options.PollInterval),
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
    internal RequestBudgetShare Budgets { get; }

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

    /// <summary>How this instance reads a reader something waits on: in <see cref="Batches"/>, else alone within the budget.</summary>
    internal ReaderReads Reads { get; }

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
        request = request.WithDefaultCurrency(_defaultCurrency, _country).Snapshot();
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

            return await StartOrResumeAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>
    /// Resumes the stored checkout, or creates it. Another instance creating the same checkout at the
    /// same moment (a double-clicked start sent to two servers) wins the first save: this one then
    /// resumes what it stored, as if it had found it, and leaves the reader claim, which is that
    /// same checkout's, in place.
    /// </summary>
    private async Task<CheckoutRunner> StartOrResumeAsync(CheckoutRequest request, CancellationToken cancellationToken, bool lostTheFirstSave = false)
    {
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
        catch (CheckoutConcurrencyException) when (!lostTheFirstSave)
        {
            // Test: A_start_that_loses_the_first_save_to_another_instance_resumes_the_winners_checkout.
            return await StartOrResumeAsync(request, cancellationToken, lostTheFirstSave: true).ConfigureAwait(false);
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

    /// <summary>Webhooks: the first of webhook and poll to show an outcome wins; the machine ignores the other.</summary>
    public ValueTask HandleAsync(TerminalWebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        var runner = webhookEvent.PaymentIntentId is { } paymentIntentId
            ? _byPaymentIntent.GetValueOrDefault(paymentIntentId)
            : RunnerShowingAForm(webhookEvent);
        if (runner is null)
        {
            return ValueTask.CompletedTask;
        }

        WebhookHealth.WebhookArrived(webhookEvent.Created);

        // A verified event carries the object as Stripe saw it: where nothing is in doubt the machine
        // acts on it as on a fresh read, so a healthy checkout needs no read at all.
        if (StripeValues.Observation(webhookEvent, runner.Request.Amount, Time.GetUtcNow()) is { } observed)
        {
            runner.PostArrival(in observed);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A form (<c>collect_inputs</c>) names no PaymentIntent, so its events find the checkout by
    /// reader: the unfinished checkout on it, if this instance drives one (one per reader).
    /// </summary>
    private CheckoutRunner? RunnerShowingAForm(TerminalWebhookEvent webhookEvent)
    {
        if (!webhookEvent.IsReaderForm)
        {
            return null;
        }

        foreach (var runner in _runners.Values)
        {
            if (runner.Request.ReaderId == webhookEvent.ObjectId && !runner.Handle.HasCompleted)
            {
                return runner;
            }
        }

        return null;
    }

    /// <summary>
    /// The runtime's work in progress (events queued, Stripe calls running), which drivers on a fake
    /// clock watch to know when to advance it.
    /// </summary>
    internal WorkCounter Work { get; } = new();


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

    private static CheckoutSnapshot ToSnapshot(CheckoutRecord record)
    {
        var state = CheckoutStateSerializer.Deserialize(record.StateJson);
        return new CheckoutSnapshot(record.CheckoutId, record.ReaderId, state.Request.Amount, state.Request.Currency, record.State, state.PaymentIntentId, state.Result, record.UpdatedAt) { Owner = state.Request.Owner };
    }
}
