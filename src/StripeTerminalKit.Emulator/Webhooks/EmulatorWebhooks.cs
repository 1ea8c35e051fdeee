using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace StripeTerminalKit.Emulator;

/// <summary>
/// Delivers the emulator's events as Stripe delivers webhooks: signed with a <c>whsec_</c> secret
/// in a real <c>Stripe-Signature</c> header, to in-process subscribers and to HTTP endpoints, with
/// retries on failure and optional faults (drop, duplicate, reorder, delay).
/// </summary>
/// <remarks>
/// <para>
/// Deliveries are made one at a time by a single background loop, in publish order, so a
/// subscriber sees events in the order they happened unless a fault is set. Delays and retries
/// wait on the emulator's <see cref="TimeProvider"/>; with a <c>FakeTimeProvider</c>, advance the
/// time and then <see cref="DrainAsync"/> to see them made.
/// </para>
/// <para>
/// A subscriber or endpoint that fails (throws, times out, or answers outside 2xx) is retried
/// according to <see cref="RetryPolicy"/>; it never holds up deliveries to the others for longer
/// than one <see cref="EmulatorWebhookRetryPolicy.AttemptTimeout"/>.
/// </para>
/// <para>The signing secrets never appear in <see cref="ToString"/> or in exception messages.</para>
/// </remarks>
/// <example>
/// <code>
/// var received = new List&lt;Stripe.Event&gt;();
/// using var subscription = emulator.Webhooks.Subscribe((delivery, cancellationToken) =&gt;
/// {
///     received.Add(Stripe.EventUtility.ConstructEvent(
///         delivery.Payload, delivery.SignatureHeader, emulator.Webhooks.Secret));
///     return Task.CompletedTask;
/// }, ["terminal.reader.action_succeeded", "terminal.reader.action_failed"]);
///
/// // … drive a payment through the emulator …
/// await emulator.Webhooks.DrainAsync();
/// </code>
/// </example>
public sealed class EmulatorWebhooks : IAsyncDisposable
{
    private const string StripeUserAgent = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
    private static readonly TimeSpan MaxSecretOverlap = TimeSpan.FromHours(24);

    // Set while a handler runs, so that a handler calling DrainAsync or DisposeAsync does not wait on itself.
    private static readonly AsyncLocal<EmulatorWebhooks?> DeliveringFor = new();

    private readonly TimeProvider _timeProvider;
    private readonly Random _random;
    private readonly Lock _gate = new();

    // Guarded by _gate.
    private readonly List<EmulatorWebhookSubscription> _subscriptions = [];
    private readonly Queue<PendingWebhook> _queue = new();
    // Delays and retries, released in due order and, at equal due times, in the order they were
    // scheduled: one timer for the earliest, so ties never depend on how a TimeProvider orders its timers.
    private readonly PriorityQueue<ScheduledWebhook, (DateTimeOffset Due, long Sequence)> _scheduled = new();
    private long _scheduleSequence;
    private readonly List<TaskCompletionSource> _drainWaiters = [];
    private readonly WebhookTally _tally = new();
    private EmulatorWebhookFaults _faults = EmulatorWebhookFaults.None;
    private EmulatorWebhookRetryPolicy _retryPolicy = EmulatorWebhookRetryPolicy.Default;
    private TaskCompletionSource? _wakeUp;
    private PendingWebhook? _inFlight;
    private bool _paused;
    private bool _disposed;
    private long _subscriptionCount;

    // Replaced whole under _gate, read without it: the signer always sees a consistent pair.
    private volatile WebhookSigningSecrets _secrets;

    // Never disposed on purpose: it has no timer, and disposing it could race a late Cancel.
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly ITimer _timer;

    /// <summary>Creates the delivery loop; the emulator owns the instance and disposes it.</summary>
    /// <param name="timeProvider">The emulator's clock: signature timestamps, delays, retries and timeouts.</param>
    /// <param name="random">
    /// The only source of randomness (fault draws, generated secrets). Used under this instance's
    /// lock, so give it a <see cref="Random"/> that nothing else uses concurrently.
    /// </param>
    /// <param name="secret">The initial signing secret (<c>whsec_…</c>).</param>
    internal EmulatorWebhooks(TimeProvider timeProvider, Random random, string secret)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(random);
        CheckSecret(secret, nameof(secret));

        _timeProvider = timeProvider;
        _random = random;
        _secrets = new WebhookSigningSecrets(secret, null, DateTimeOffset.MinValue);
        _timer = timeProvider.CreateTimer(
            static state => ((EmulatorWebhooks)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// The current signing secret (<c>whsec_…</c>): give it to the code under test, as you would
    /// give it the secret of a Stripe webhook endpoint. Every delivery carries a <c>v1</c> signature
    /// made with it.
    /// </summary>
    public string Secret => _secrets.Current;

    /// <summary>
    /// The secret that was current before the last <see cref="RollSecret(TimeSpan)"/>, while it is
    /// still active (deliveries then carry a second <c>v1</c> signature made with it), otherwise
    /// <see langword="null"/>.
    /// </summary>
    public string? PreviousSecret
    {
        get
        {
            WebhookSigningSecrets secrets = _secrets;
            return secrets.IsPreviousActive(_timeProvider.GetUtcNow()) ? secrets.Previous : null;
        }
    }

    /// <summary>When <see cref="PreviousSecret"/> stops being used, or <see langword="null"/> if there is none.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt
    {
        get
        {
            WebhookSigningSecrets secrets = _secrets;
            return secrets.IsPreviousActive(_timeProvider.GetUtcNow()) ? secrets.PreviousExpiresAt : null;
        }
    }

    /// <summary>
    /// The faults applied to deliveries published from now on. Default <see cref="EmulatorWebhookFaults.None"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="EmulatorWebhookFaults.MaxDelay"/> is less than <see cref="EmulatorWebhookFaults.Delay"/>.</exception>
    public EmulatorWebhookFaults Faults
    {
        get
        {
            lock (_gate)
            {
                return _faults;
            }
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            lock (_gate)
            {
                _faults = value;
            }
        }
    }

    /// <summary>
    /// How failed attempts are retried and how long one attempt may take. Default
    /// <see cref="EmulatorWebhookRetryPolicy.Default"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public EmulatorWebhookRetryPolicy RetryPolicy
    {
        get
        {
            lock (_gate)
            {
                return _retryPolicy;
            }
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (_gate)
            {
                _retryPolicy = value;
            }
        }
    }

    /// <summary>Whether deliveries are paused (see <see cref="Pause"/>).</summary>
    public bool IsPaused
    {
        get
        {
            lock (_gate)
            {
                return _paused;
            }
        }
    }

    /// <summary>The delivery counts over all subscriptions, including removed ones.</summary>
    public EmulatorWebhookCounters Counters
    {
        get
        {
            lock (_gate)
            {
                return _tally.Snapshot();
            }
        }
    }

    /// <summary>The active subscriptions and endpoints, in the order they were added (the order deliveries are decided in).</summary>
    public IReadOnlyList<EmulatorWebhookSubscription> Subscriptions
    {
        get
        {
            lock (_gate)
            {
                return [.. _subscriptions];
            }
        }
    }

    /// <summary>
    /// Registers an in-process subscriber: <paramref name="handler"/> receives each matching event
    /// as an HTTP endpoint would (exact payload and <c>Stripe-Signature</c> header).
    /// </summary>
    /// <remarks>
    /// The handler runs on the delivery loop, one delivery at a time. If it throws, or does not
    /// complete within <see cref="EmulatorWebhookRetryPolicy.AttemptTimeout"/> (its token is then
    /// cancelled), the attempt fails and is retried as an endpoint's would be. Do not call
    /// <see cref="DrainAsync"/> from inside a handler: it would wait for the handler itself.
    /// </remarks>
    /// <param name="handler">Called for each delivery, with a token cancelled on timeout or disposal.</param>
    /// <param name="enabledEvents">
    /// The event types to receive, like a Stripe webhook endpoint's <c>enabled_events</c>: exact
    /// types, <c>*</c> for all, or (an emulator convenience) a family such as <c>payment_intent.*</c>.
    /// <see langword="null"/> (the default) receives all.
    /// </param>
    /// <returns>The subscription; dispose it to unsubscribe.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="enabledEvents"/> is empty or holds an empty type.</exception>
    /// <exception cref="ObjectDisposedException">The emulator has been disposed.</exception>
    public EmulatorWebhookSubscription Subscribe(
        Func<EmulatorWebhookDelivery, CancellationToken, Task> handler,
        IEnumerable<string>? enabledEvents = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        string[] events = NormalizeEnabledEvents(enabledEvents);
        return Register(id => new EmulatorWebhookSubscription(this, id, events, handler, url: null, httpClient: null));
    }

    /// <summary>
    /// Registers an HTTP endpoint: each matching event is POSTed to <paramref name="url"/> as Stripe
    /// does it, with <c>Content-Type: application/json; charset=utf-8</c>, a <c>Stripe-Signature</c>
    /// header and Stripe's <c>User-Agent</c>. A status outside 2xx, an exception or a timeout fails
    /// the attempt, which is retried with exponential backoff (see <see cref="RetryPolicy"/>).
    /// </summary>
    /// <param name="url">The absolute <c>http</c> or <c>https</c> URL of the webhook endpoint.</param>
    /// <param name="handler">
    /// The message handler to send through (for example a test server's handler); when
    /// <see langword="null"/>, a real <see cref="SocketsHttpHandler"/> owned by the subscription.
    /// A given handler is not disposed.
    /// </param>
    /// <param name="enabledEvents">The event types to send, as for <see cref="Subscribe"/>; <see langword="null"/> sends all.</param>
    /// <returns>The endpoint's subscription; dispose it to remove the endpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="url"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="url"/> is not an absolute http(s) URL, or <paramref name="enabledEvents"/> is empty or holds an empty type.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The emulator has been disposed.</exception>
    public EmulatorWebhookSubscription AddEndpoint(
        Uri url,
        HttpMessageHandler? handler = null,
        IEnumerable<string>? enabledEvents = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("A webhook endpoint URL must be an absolute http or https URL.", nameof(url));
        }

        string[] events = NormalizeEnabledEvents(enabledEvents);
        return Register(id =>
        {
            // The attempt timeout runs on the TimeProvider, so HttpClient's own (real-time) timeout is off.
            var client = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null)
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
            return new EmulatorWebhookSubscription(this, id, events, handler: null, url, client);
        });
    }

    /// <summary>
    /// Rolls the signing secret as Stripe's "Roll secret" does: generates a new <c>whsec_</c>
    /// secret and keeps the old one active for <paramref name="keepPreviousFor"/>, during which
    /// every delivery carries two <c>v1</c> signatures, one per secret.
    /// </summary>
    /// <param name="keepPreviousFor">How long the old secret keeps signing: zero expires it now; at most 24 hours.</param>
    /// <returns>The new secret, now <see cref="Secret"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepPreviousFor"/> is negative or over 24 hours.</exception>
    public string RollSecret(TimeSpan keepPreviousFor)
    {
        CheckOverlap(keepPreviousFor);
        lock (_gate)
        {
            string next;
            do
            {
                next = WebhookSigningSecrets.Generate(_random);
            }
            while (next == _secrets.Current);

            RollLocked(next, keepPreviousFor);
            return next;
        }
    }

    /// <summary>
    /// Rolls the signing secret to <paramref name="newSecret"/>, keeping the old one active for
    /// <paramref name="keepPreviousFor"/>, during which every delivery carries two <c>v1</c>
    /// signatures. Only two secrets are ever active: a secret still active from an earlier roll stops.
    /// </summary>
    /// <param name="newSecret">The new secret (Stripe's have the form <c>whsec_…</c>).</param>
    /// <param name="keepPreviousFor">How long the old secret keeps signing: zero expires it now; at most 24 hours.</param>
    /// <exception cref="ArgumentNullException"><paramref name="newSecret"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="newSecret"/> is blank or is the current secret.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepPreviousFor"/> is negative or over 24 hours.</exception>
    public void RollSecret(string newSecret, TimeSpan keepPreviousFor)
    {
        CheckSecret(newSecret, nameof(newSecret));
        CheckOverlap(keepPreviousFor);
        lock (_gate)
        {
            if (newSecret == _secrets.Current)
            {
                throw new ArgumentException("The new webhook signing secret must differ from the current one.", nameof(newSecret));
            }

            RollLocked(newSecret, keepPreviousFor);
        }
    }

    /// <summary>Stops signing with <see cref="PreviousSecret"/> now, ending a rotation early.</summary>
    public void ExpirePreviousSecret()
    {
        lock (_gate)
        {
            _secrets = new WebhookSigningSecrets(_secrets.Current, null, DateTimeOffset.MinValue);
        }
    }

    /// <summary>
    /// Pauses deliveries, as if the network to every endpoint were down: events are still
    /// published, faults decided and timers run, but nothing is sent until <see cref="Resume"/>.
    /// An attempt already under way completes.
    /// </summary>
    public void Pause()
    {
        lock (_gate)
        {
            _paused = true;
        }
    }

    /// <summary>Resumes deliveries; what queued up while paused is sent in order.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            _paused = false;
            WakeLocked();
        }
    }

    /// <summary>
    /// Completes when every delivery that is due has been made (or failed and been rescheduled):
    /// the queue is empty and no attempt is under way. A delivery held back by the reorder fault is
    /// released first. Deliveries scheduled for later on the <see cref="TimeProvider"/> (delays,
    /// retries) are not waited for: advance the time first. While paused, it completes only
    /// after <see cref="Resume"/>.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the deliveries go on).</param>
    /// <returns>A task that completes when the deliveries due are done.</returns>
    /// <exception cref="ObjectDisposedException">The emulator has been (or is, while waiting) disposed.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a webhook handler, where it would wait for itself.</exception>
    public Task DrainAsync(CancellationToken cancellationToken = default)
    {
        if (DeliveringFor.Value == this)
        {
            throw new InvalidOperationException("DrainAsync cannot be called from inside a webhook handler: it would wait for the handler itself.");
        }

        TaskCompletionSource waiter;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (EmulatorWebhookSubscription subscription in _subscriptions)
            {
                ReleaseHeldLocked(subscription);
            }

            if (_queue.Count == 0 && _inFlight is null)
            {
                return Task.CompletedTask;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _drainWaiters.Add(waiter);
            WakeLocked();
        }

        return cancellationToken.CanBeCanceled ? waiter.Task.WaitAsync(cancellationToken) : waiter.Task;
    }

    /// <summary>
    /// Stops the delivery loop: pending and scheduled deliveries are discarded and an attempt under
    /// way is cancelled. The emulator that owns this instance disposes it.
    /// </summary>
    /// <returns>A task that completes when the loop has stopped (at once when called from a handler).</returns>
    public async ValueTask DisposeAsync()
    {
        BeginDispose();
        if (DeliveringFor.Value == this)
        {
            return; // the loop stops once this handler returns
        }

        await _loop.ConfigureAwait(false);
    }

    /// <summary>A summary of subscriptions and counts; never a secret.</summary>
    /// <returns>For example <c>EmulatorWebhooks: 2 subscriptions, 10 published, 18 delivered</c>.</returns>
    public override string ToString()
    {
        lock (_gate)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"EmulatorWebhooks: {_subscriptions.Count} subscriptions, {_tally.Published} published, {_tally.Delivered} delivered{(_paused ? ", paused" : "")}{(_disposed ? ", disposed" : "")}");
        }
    }

    /// <summary>
    /// Hands an event to every matching subscription. Returns at once, never throws, and may be
    /// called from any thread; call it after releasing the engine's own lock.
    /// </summary>
    internal void Publish(EmulatorEvent evt)
    {
        if (evt is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _tally.Published++;
            EmulatorWebhookFaults faults = _faults;
            foreach (EmulatorWebhookSubscription subscription in _subscriptions)
            {
                if (subscription.Accepts(evt.Type))
                {
                    RouteLocked(subscription, evt, faults);
                }
            }
        }
    }

    /// <summary>
    /// How many active subscriptions would receive an event of <paramref name="eventType"/>: the
    /// value for the envelope's <c>pending_webhooks</c>.
    /// </summary>
    internal int CountSubscriptionsFor(string eventType)
    {
        lock (_gate)
        {
            int count = 0;
            foreach (EmulatorWebhookSubscription subscription in _subscriptions)
            {
                if (subscription.Accepts(eventType))
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>Stops the loop without waiting for it (for an owner that disposes synchronously).</summary>
    internal void Dispose() => BeginDispose();

    internal bool IsActive(EmulatorWebhookSubscription subscription)
    {
        lock (_gate)
        {
            return !_disposed && !subscription.Removed;
        }
    }

    internal EmulatorWebhookCounters CountersOf(EmulatorWebhookSubscription subscription)
    {
        lock (_gate)
        {
            return subscription.Tally.Snapshot();
        }
    }

    internal string? LastFailureOf(EmulatorWebhookSubscription subscription)
    {
        lock (_gate)
        {
            return subscription.Failure;
        }
    }

    internal void Remove(EmulatorWebhookSubscription subscription)
    {
        lock (_gate)
        {
            if (subscription.Removed)
            {
                return;
            }

            subscription.Removed = true;
            subscription.Held = null;
            _subscriptions.Remove(subscription);
        }

        // An attempt under way on this client fails; its result is ignored since the subscription is gone.
        subscription.HttpClient?.Dispose();
    }

    private EmulatorWebhookSubscription Register(Func<string, EmulatorWebhookSubscription> create)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscriptionCount++;
            EmulatorWebhookSubscription subscription = create(
                string.Create(CultureInfo.InvariantCulture, $"we_emulator{_subscriptionCount:D13}"));
            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    private void RouteLocked(EmulatorWebhookSubscription subscription, EmulatorEvent evt, EmulatorWebhookFaults faults)
    {
        WebhookTally tally = subscription.Tally;
        tally.Published++;

        if (ChanceLocked(faults.DropRate))
        {
            _tally.Dropped++;
            tally.Dropped++;
            return;
        }

        var first = new PendingWebhook(subscription, evt, Attempt: 1);
        PendingWebhook[] unit = [first];
        if (ChanceLocked(faults.DuplicateRate))
        {
            unit = [first, first];
            _tally.Duplicated++;
            tally.Duplicated++;
        }

        TimeSpan delay = faults.HasDelay && ChanceLocked(faults.DelayRate) ? DrawDelayLocked(faults) : TimeSpan.Zero;
        if (delay > TimeSpan.Zero)
        {
            _tally.Delayed++;
            tally.Delayed++;
            ScheduleLocked(delay, unit, isRetry: false);
            return;
        }

        EnqueueUnitLocked(subscription, unit, faults.ReorderRate);
    }

    private void EnqueueUnitLocked(EmulatorWebhookSubscription subscription, PendingWebhook[] unit, double reorderRate)
    {
        if (subscription.Held is null && ChanceLocked(reorderRate))
        {
            subscription.Held = unit;
            _tally.Reordered++;
            subscription.Tally.Reordered++;
            return;
        }

        foreach (PendingWebhook pending in unit)
        {
            _queue.Enqueue(pending);
        }

        ReleaseHeldLocked(subscription);
        WakeLocked();
    }

    private void ReleaseHeldLocked(EmulatorWebhookSubscription subscription)
    {
        if (subscription.Held is { } held)
        {
            subscription.Held = null;
            foreach (PendingWebhook pending in held)
            {
                _queue.Enqueue(pending);
            }
        }
    }

    private bool ChanceLocked(double rate) => rate >= 1 || (rate > 0 && _random.NextDouble() < rate);

    private TimeSpan DrawDelayLocked(EmulatorWebhookFaults faults)
    {
        TimeSpan min = faults.Delay;
        TimeSpan max = faults.MaxDelay ?? min;
        return max > min
            ? min + TimeSpan.FromTicks((long)(_random.NextDouble() * (max - min).Ticks))
            : min;
    }

    private void ScheduleLocked(TimeSpan delay, PendingWebhook[] unit, bool isRetry)
    {
        DateTimeOffset due = _timeProvider.GetUtcNow() + delay;
        bool earliest = !_scheduled.TryPeek(out _, out var first) || due < first.Due;
        _scheduled.Enqueue(new ScheduledWebhook(unit, isRetry), (due, _scheduleSequence++));
        if (earliest)
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            DateTimeOffset now = _timeProvider.GetUtcNow();
            while (_scheduled.TryPeek(out ScheduledWebhook? scheduled, out var key) && key.Due <= now)
            {
                _scheduled.Dequeue();
                EmulatorWebhookSubscription subscription = scheduled.Unit[0].Subscription;
                if (subscription.Removed)
                {
                    continue;
                }

                if (scheduled.IsRetry)
                {
                    _queue.Enqueue(scheduled.Unit[0]);
                    WakeLocked();
                }
                else
                {
                    // A late delivery can still release one held back by the reorder fault.
                    EnqueueUnitLocked(subscription, scheduled.Unit, reorderRate: 0);
                }
            }

            if (_scheduled.TryPeek(out _, out var next))
            {
                _timer.Change(next.Due - now, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void WakeLocked()
    {
        _wakeUp?.TrySetResult();
        _wakeUp = null;
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                PendingWebhook? next = null;
                Task? wait = null;
                lock (_gate)
                {
                    if (_disposed)
                    {
                        return;
                    }

                    if (!_paused && _queue.TryDequeue(out next))
                    {
                        if (next.Subscription.Removed)
                        {
                            continue;
                        }

                        _inFlight = next;
                    }
                    else
                    {
                        next = null;
                        if (_queue.Count == 0)
                        {
                            foreach (TaskCompletionSource waiter in _drainWaiters)
                            {
                                waiter.TrySetResult();
                            }

                            _drainWaiters.Clear();
                        }

                        _wakeUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        wait = _wakeUp.Task;
                    }
                }

                if (next is null)
                {
                    await wait!.ConfigureAwait(false);
                }
                else
                {
                    await AttemptAsync(next).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            EmulatorWebhookSubscription[] subscriptions;
            lock (_gate)
            {
                subscriptions = [.. _subscriptions];
            }

            foreach (EmulatorWebhookSubscription subscription in subscriptions)
            {
                subscription.HttpClient?.Dispose();
            }
        }
    }

    private async Task AttemptAsync(PendingWebhook pending)
    {
        EmulatorWebhookSubscription subscription = pending.Subscription;
        EmulatorWebhookRetryPolicy policy = RetryPolicy;
        DateTimeOffset now = _timeProvider.GetUtcNow();
        var delivery = new EmulatorWebhookDelivery(
            subscription.Id,
            pending.Event,
            _secrets.CreateHeader(pending.Event.Json, now),
            pending.Attempt,
            DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()));

        string? failure = await SendAsync(subscription, delivery, policy.AttemptTimeout).ConfigureAwait(false);

        lock (_gate)
        {
            _inFlight = null;
            if (_disposed || subscription.Removed)
            {
                return;
            }

            WebhookTally tally = subscription.Tally;
            if (failure is null)
            {
                _tally.Delivered++;
                tally.Delivered++;
                return;
            }

            _tally.FailedAttempts++;
            tally.FailedAttempts++;
            subscription.Failure = failure;
            if (pending.Attempt >= policy.MaxAttempts)
            {
                _tally.Abandoned++;
                tally.Abandoned++;
                return;
            }

            PendingWebhook retry = pending with { Attempt = pending.Attempt + 1 };
            TimeSpan delay = policy.RetryDelayAfter(pending.Attempt);
            if (delay > TimeSpan.Zero)
            {
                ScheduleLocked(delay, [retry], isRetry: true);
            }
            else
            {
                _queue.Enqueue(retry);
            }
        }
    }

    /// <returns><see langword="null"/> on success, otherwise why the attempt failed.</returns>
    private async Task<string?> SendAsync(
        EmulatorWebhookSubscription subscription, EmulatorWebhookDelivery delivery, TimeSpan timeout)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, _timeProvider);
        using var attemptSource = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, _stopping.Token);
        try
        {
            if (subscription.Handler is { } handler)
            {
                DeliveringFor.Value = this;
                Task task = handler(delivery, attemptSource.Token) ?? Task.CompletedTask;

                // A handler that ignores its token still releases the loop when the attempt times out.
                await task.WaitAsync(attemptSource.Token).ConfigureAwait(false);
                return null;
            }

            return await PostAsync(subscription, delivery, attemptSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Timed out after {timeout}.");
        }
#pragma warning disable CA1031 // Whatever a subscriber or endpoint does is a failed attempt, never a dead delivery loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    private static async Task<string?> PostAsync(
        EmulatorWebhookSubscription subscription, EmulatorWebhookDelivery delivery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", delivery.SignatureHeader);
        request.Headers.TryAddWithoutValidation("User-Agent", StripeUserAgent);
        request.Headers.TryAddWithoutValidation("Accept", "*/*; q=0.5, application/xml");
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };

        using HttpResponseMessage response = await subscription.HttpClient!
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} ({response.StatusCode})");
    }

    private void BeginDispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _scheduled.Clear();
            _queue.Clear();
            foreach (EmulatorWebhookSubscription subscription in _subscriptions)
            {
                subscription.Held = null;
            }

            foreach (TaskCompletionSource waiter in _drainWaiters)
            {
                waiter.TrySetException(new ObjectDisposedException(nameof(EmulatorWebhooks)));
            }

            _drainWaiters.Clear();
            WakeLocked();
        }

        _timer.Dispose();

        try
        {
            _stopping.Cancel();
        }
        catch (AggregateException)
        {
            // A subscriber's cancellation callback threw; disposal goes on regardless.
        }
    }

    private void RollLocked(string newSecret, TimeSpan keepPreviousFor)
    {
        _secrets = keepPreviousFor > TimeSpan.Zero
            ? new WebhookSigningSecrets(newSecret, _secrets.Current, _timeProvider.GetUtcNow() + keepPreviousFor)
            : new WebhookSigningSecrets(newSecret, null, DateTimeOffset.MinValue);
    }

    private static void CheckSecret(string secret, string paramName)
    {
        ArgumentNullException.ThrowIfNull(secret, paramName);
        if (string.IsNullOrWhiteSpace(secret))
        {
            // Never echo the value: it is a secret.
            throw new ArgumentException("A webhook signing secret cannot be blank.", paramName);
        }
    }

    private static void CheckOverlap(TimeSpan keepPreviousFor)
    {
        if (keepPreviousFor < TimeSpan.Zero || keepPreviousFor > MaxSecretOverlap)
        {
            throw new ArgumentOutOfRangeException(
                nameof(keepPreviousFor), keepPreviousFor, "The previous webhook secret stays active for zero to 24 hours, as with Stripe.");
        }
    }

    private static string[] NormalizeEnabledEvents(IEnumerable<string>? enabledEvents)
    {
        if (enabledEvents is null)
        {
            return ["*"];
        }

        string[] events = [.. enabledEvents];
        if (events.Length == 0)
        {
            throw new ArgumentException("Enable at least one event type, or \"*\" for all.", nameof(enabledEvents));
        }

        foreach (string type in events)
        {
            if (string.IsNullOrWhiteSpace(type))
            {
                throw new ArgumentException("An enabled event type cannot be blank.", nameof(enabledEvents));
            }
        }

        return events;
    }

    /// <summary>A delivery (or a duplicated pair) waiting for its time: a delay or a retry.</summary>
    private sealed record ScheduledWebhook(PendingWebhook[] Unit, bool IsRetry);
}
