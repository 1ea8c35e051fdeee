using System.Globalization;

namespace StripeTerminalKit.Emulator;

/// <summary>
/// Delivers the emulator's events as Stripe delivers webhooks: signed with a <c>whsec_</c> secret
/// in a real <c>Stripe-Signature</c> header, to in-process subscribers and to HTTP endpoints, with
/// retries on failure and optional faults (drop, duplicate, reorder, delay).
/// </summary>
/// <remarks>
/// <para>
/// Each subscription has its own delivery lane: its deliveries are made one at a time, in publish
/// order, so it sees events in the order they happened unless a fault is set or an attempt fails;
/// a slow or stuck endpoint holds up only its own lane. Delays and retries wait on the emulator's
/// <see cref="TimeProvider"/>; with a <c>FakeTimeProvider</c>, advance the time and then
/// <see cref="DrainAsync"/> to see them made.
/// </para>
/// <para>
/// A subscriber or endpoint that fails (throws, times out, or answers outside 2xx — a 3xx
/// included, never followed) is retried according to <see cref="RetryPolicy"/>. Each event's
/// <c>pending_webhooks</c>, as <c>GET /v1/events</c> shows it, falls as its endpoints answer.
/// Events of connected accounts (made with a <c>Stripe-Account</c> header) go only to
/// subscriptions registered for Connect, and the account's own events only to the others.
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
public sealed partial class EmulatorWebhooks : IAsyncDisposable
{
    // Set while a handler runs, so that a handler calling DrainAsync or DisposeAsync does not wait on itself.
    private static readonly AsyncLocal<EmulatorWebhooks?> DeliveringFor = new();

    private readonly TimeProvider _timeProvider;
    private readonly Random _random;
    private readonly Lock _gate = new();

    // Guarded by _gate.
    private readonly List<EmulatorWebhookSubscription> _subscriptions = [];
    private readonly Dictionary<string, EventDeliveryState> _eventStates = new(StringComparer.Ordinal);
    // Delays and retries, released in due order and, at equal due times, in the order they were
    // scheduled: one timer for the earliest, so ties never depend on how a TimeProvider orders its timers.
    private readonly PriorityQueue<ScheduledWebhook, (DateTimeOffset Due, long Sequence)> _scheduled = new();
    private long _scheduleSequence;
    private readonly List<TaskCompletionSource> _drainWaiters = [];
    private readonly WebhookTally _tally = new();
    private EmulatorWebhookFaults _faults = EmulatorWebhookFaults.None;
    private EmulatorWebhookRetryPolicy _retryPolicy = EmulatorWebhookRetryPolicy.Default;
    private int _runningLanes;
    private TaskCompletionSource? _lanesStopped;
    private bool _paused;
    private bool _disposed;
    private long _subscriptionCount;

    // Replaced whole under _gate, read without it: the signer always sees a consistent pair.
    private volatile WebhookSigningSecrets _secrets;

    // Never disposed on purpose: it has no timer, and disposing it could race a late Cancel.
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _timer;

    /// <summary>Creates the deliveries; the emulator owns the instance and disposes it.</summary>
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
    /// The handler runs on its subscription's delivery lane, one delivery at a time; other
    /// subscriptions' handlers may run at the same time. If it throws, or does not complete within
    /// <see cref="EmulatorWebhookRetryPolicy.AttemptTimeout"/> (its token is then cancelled), the attempt fails and is retried as an endpoint's would be. Do not call
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
    /// <param name="connect">
    /// Like a Stripe endpoint's <c>connect</c>: <see langword="true"/> receives only the events of
    /// connected accounts (requests made with a <c>Stripe-Account</c> header), <see langword="false"/>
    /// (the default) only the account's own events.
    /// </param>
    /// <exception cref="ObjectDisposedException">The emulator has been disposed.</exception>
    public EmulatorWebhookSubscription Subscribe(
        Func<EmulatorWebhookDelivery, CancellationToken, Task> handler,
        IEnumerable<string>? enabledEvents = null,
        bool connect = false)
    {
        ArgumentNullException.ThrowIfNull(handler);
        string[] events = NormalizeEnabledEvents(enabledEvents);
        return Register(id => new EmulatorWebhookSubscription(this, id, events, connect, handler, url: null, httpClient: null));
    }

    /// <summary>
    /// Registers an HTTP endpoint: each matching event is POSTed to <paramref name="url"/> as Stripe
    /// does it, with <c>Content-Type: application/json; charset=utf-8</c>, a <c>Stripe-Signature</c>
    /// header and Stripe's <c>User-Agent</c>, each on a connection of its own. A status outside 2xx
    /// (a redirect included: it is never followed), an exception or a timeout fails the attempt,
    /// which is retried with exponential backoff (see <see cref="RetryPolicy"/>).
    /// </summary>
    /// <param name="url">The absolute <c>http</c> or <c>https</c> URL of the webhook endpoint.</param>
    /// <param name="handler">
    /// The message handler to send through (for example a test server's handler); when
    /// <see langword="null"/>, a real <see cref="SocketsHttpHandler"/> owned by the subscription.
    /// A given handler is not disposed; if it follows redirects, a redirected delivery still counts as failed.
    /// </param>
    /// <param name="enabledEvents">The event types to send, as for <see cref="Subscribe"/>; <see langword="null"/> sends all.</param>
    /// <param name="connect">Whether the endpoint is for connected accounts' events, as for <see cref="Subscribe"/>.</param>
    /// <returns>The endpoint's subscription; dispose it to remove the endpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="url"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="url"/> is not an absolute http(s) URL, or <paramref name="enabledEvents"/> is empty or holds an empty type.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The emulator has been disposed.</exception>
    public EmulatorWebhookSubscription AddEndpoint(
        Uri url,
        HttpMessageHandler? handler = null,
        IEnumerable<string>? enabledEvents = null,
        bool connect = false)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("A webhook endpoint URL must be an absolute http or https URL.", nameof(url));
        }

        string[] events = NormalizeEnabledEvents(enabledEvents);
        return Register(id => new EmulatorWebhookSubscription(
            this, id, events, connect, handler: null, url, WebhookTransport.CreateClient(handler)));
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
            foreach (EmulatorWebhookSubscription subscription in _subscriptions)
            {
                StartLaneLocked(subscription);
            }
        }
    }

    /// <summary>
    /// Completes when every delivery that is due has been made (or failed and been rescheduled):
    /// every subscription's queue is empty and no attempt is under way. A delivery held back by the reorder fault is
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
                StartLaneLocked(subscription);
            }

            if (IsIdleLocked())
            {
                return Task.CompletedTask;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _drainWaiters.Add(waiter);
        }

        return cancellationToken.CanBeCanceled ? waiter.Task.WaitAsync(cancellationToken) : waiter.Task;
    }

    /// <summary>
    /// Stops delivering: pending and scheduled deliveries are discarded and the attempts under way
    /// are cancelled. The emulator that owns this instance disposes it.
    /// </summary>
    /// <returns>A task that completes when every delivery lane has stopped (at once when called from a handler).</returns>
    public async ValueTask DisposeAsync()
    {
        BeginDispose();
        if (DeliveringFor.Value == this)
        {
            return; // the handler's own lane stops once it returns
        }

        Task stopped;
        lock (_gate)
        {
            if (_runningLanes == 0)
            {
                return;
            }

            _lanesStopped ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            stopped = _lanesStopped.Task;
        }

        await stopped.ConfigureAwait(false);
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

    /// <summary>Stops delivering without waiting for the lanes (for an owner that disposes synchronously).</summary>
    internal void Dispose() => BeginDispose();

    private void BeginDispose()
    {
        EmulatorWebhookSubscription[] subscriptions;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _scheduled.Clear();
            foreach (EmulatorWebhookSubscription subscription in _subscriptions)
            {
                subscription.Held = null;
                subscription.Queue.Clear();
            }

            foreach (TaskCompletionSource waiter in _drainWaiters)
            {
                waiter.TrySetException(new ObjectDisposedException(nameof(EmulatorWebhooks)));
            }

            _drainWaiters.Clear();
            subscriptions = [.. _subscriptions];
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

        // Attempts under way were cancelled above; their results are ignored.
        foreach (EmulatorWebhookSubscription subscription in subscriptions)
        {
            subscription.HttpClient?.Dispose();
        }
    }
}
