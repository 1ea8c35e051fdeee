using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Polling;

/// <summary>
/// Observes waiting checkouts' readers in batches: one <c>GET /v1/terminal/readers</c> (a page of up
/// to 100 readers, each action's PaymentIntent expanded) answers every checkout waiting on a reader
/// of that page. Reads come in rounds, one every <see cref="ReaderBatchSettings.Interval"/> while any
/// checkout waits; a round lists only the pages holding waiting readers, either per location or
/// across the account, whichever takes fewer requests, and spends the shared list budget.
/// A reader that no page shows is answered with <see langword="null"/>: its checkout reads it alone.
/// </summary>
internal sealed partial class ReaderBatchScheduler
{
    /// <summary>The scope key of the account-wide listing (no <c>location</c> filter).</summary>
    private const string Account = "";

    private readonly Lock _gate = new();
    private readonly IReaderPageSource _source;
    private readonly PollBudget _budget;
    private readonly TimeProvider _time;
    private readonly ReaderBatchSettings _settings;
    private readonly IWorkCounter? _work;
    private readonly CancellationToken _stopping;
    private readonly ITimer _timer;

    // What earlier pages taught: each reader's location, and the page (the cursor it follows) it was on per scope.
    private readonly Dictionary<string, string?> _locationOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string?>> _pageOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _pagesInScope = new(StringComparer.Ordinal);

    /// <summary>After a failed attempt to start the events feed (a key without access to events, say), pages alone for this long.</summary>
    private static readonly TimeSpan FeedRetryDelay = TimeSpan.FromMinutes(1);

    private readonly ReaderEventFeed _feed;
    private DateTimeOffset _feedRetryAfter = DateTimeOffset.MinValue;
    private List<Waiter> _waiting = [];
    private DateTimeOffset _lastRound = DateTimeOffset.MinValue;
    private bool _roundDue;
    private bool _roundRunning;

    /// <param name="source">Lists one page of readers.</param>
    /// <param name="budget">The list requests' share of the account's read budget.</param>
    /// <param name="time">The clock.</param>
    /// <param name="settings">The pace of the rounds.</param>
    /// <param name="work">Counts a running round as work (drivers on a fake clock wait for it).</param>
    /// <param name="stopping">Stops the scheduler: every waiting observation is cancelled.</param>
    public ReaderBatchScheduler(IReaderPageSource source, PollBudget budget, TimeProvider time, ReaderBatchSettings settings, IWorkCounter? work, CancellationToken stopping)
    {
        _source = source;
        _budget = budget;
        _time = time;
        _settings = settings;
        _work = work;
        _stopping = stopping;
        _feed = new ReaderEventFeed(settings);
        _timer = time.CreateTimer(static s => ((ReaderBatchScheduler)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        stopping.Register(static s => ((ReaderBatchScheduler)s!).CancelAll(), this);
    }

    /// <summary>How many list requests were sent (for tests and diagnostics).</summary>
    public int ListRequests => Volatile.Read(ref _listRequests);

    private int _listRequests;

    /// <summary>
    /// Remembers a reader as the answer to starting its action showed it (read no earlier than
    /// <paramref name="sentAt"/>): its location places it in its first batch, and from then on the
    /// events feed can answer for it.
    /// </summary>
    public void NoteSent(TerminalReader reader, DateTimeOffset sentAt)
    {
        NoteLocation(reader.Id, reader.LocationId);
        _feed.NoteRead(reader, null, sentAt, _time.GetUtcNow(), started: true);
    }

    /// <summary>Remembers where a reader is, so its first batch is its location's.</summary>
    public void NoteLocation(string readerId, string? locationId)
    {
        lock (_gate)
        {
            _locationOf[readerId] = locationId;
        }
    }

    /// <summary>
    /// Waits for the next round that lists this reader, and returns the reader as that page showed it
    /// (read after this call began), or <see langword="null"/> when no page shows it. While it waits for
    /// the clock the caller's work does not count on <paramref name="work"/>; it counts again before
    /// the caller resumes, as <see cref="PollBudget"/> does.
    /// </summary>
    public Task<ObservedReader?> ObserveAsync(string readerId, IWorkCounter? work)
    {
        var waiter = new Waiter(readerId, work);
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return Task.FromCanceled<ObservedReader?>(_stopping);
            }

            _waiting.Add(waiter);
            if (!_roundDue && !_roundRunning)
            {
                ScheduleRound();
            }
        }

        work?.WorkDone();
        return waiter.Completion.Task;
    }

    /// <summary>
    /// The next round starts one interval after the last one began; after a quiet spell, a tenth of an
    /// interval after the first ask, so the checkouts asking at about the same moment share it.
    /// </summary>
    private void ScheduleRound()
    {
        _roundDue = true;
        var due = _lastRound + _settings.Interval - _time.GetUtcNow();
        var gather = _settings.Interval / 10;
        _timer.Change(due > gather ? due : gather, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        // Counted before anything else, so a driver on a fake clock never sees the round as idle.
        _work?.WorkQueued();
        RunRound();
    }

    private void RunRound()
    {
        List<Waiter> round;
        lock (_gate)
        {
            round = _waiting;
            _waiting = [];
            _roundDue = false;
            _roundRunning = true;
            _lastRound = _time.GetUtcNow();
        }

        var now = _lastRound;
        List<Waiter> fromFeed = [];
        var plan = round.Count > 0 ? Plan(round) : [];
        if (round.Count > 0 && _feed.IsLive(now))
        {
            // The feed answers the readers it can for one request; the rest are read in pages. A tie goes to the pages.
            var fromPages = new List<Waiter>(round.Count);
            foreach (var waiter in round)
            {
                (_feed.CanAnswer(waiter.ReaderId, now) ? fromFeed : fromPages).Add(waiter);
            }

            var rest = Plan(fromPages);
            if (fromFeed.Count > 0 && 1 + Cost(rest) < Cost(plan))
            {
                plan = rest;
            }
            else
            {
                fromFeed = [];
            }
        }
        else if (Cost(plan) >= 2 && now >= _feedRetryAfter)
        {
            // The pages this round cost more than one request: from the next round the feed can answer for one.
            _ = EstablishThenReadAsync(plan, now);
            return;
        }

        Launch(plan, fromFeed);
    }

    /// <summary>Starts the feed before the pages are read, so what the pages show is covered by it from then on.</summary>
    private async Task EstablishThenReadAsync(Dictionary<PageKey, PageGroup> plan, DateTimeOffset now)
    {
        try
        {
            await _feed.EstablishAsync(_source, _budget, _time, _work, _stopping).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // no feed (say, a restricted key without events) only means pages; tried again later
        catch (Exception)
#pragma warning restore CA1031
        {
            _feedRetryAfter = now + FeedRetryDelay;
        }

        Launch(plan, []);
    }

    /// <summary>
    /// Reads the round's pages and the feed side by side. The round's unit of work goes to the first
    /// chain and each other chain gets its own: a chain hands its unit over while it waits for a turn
    /// or an answer, so chains read side by side never hand over one unit twice (the count would go
    /// below zero) and the round holds none of its own while they wait (a driver on a fake clock sees
    /// the kit idle and moves the clock). The last chain to end finishes the round before it lets go
    /// of its unit.
    /// </summary>
    private void Launch(Dictionary<PageKey, PageGroup> plan, List<Waiter> fromFeed)
    {
        var chains = plan.Count + (fromFeed.Count > 0 ? 1 : 0);
        if (chains == 0)
        {
            FinishRound();
            _work?.WorkDone();
            return;
        }

        for (var k = 1; k < chains; k++)
        {
            _work?.WorkQueued();
        }

        var running = chains;
        foreach (var (page, group) in plan)
        {
            _ = ThenFinishAsync(ReadChainAsync(page.Scope, page.Cursor, group.Readers));
        }

        if (fromFeed.Count > 0)
        {
            _ = ThenFinishAsync(ReadFeedAsync(fromFeed));
        }

        async Task ThenFinishAsync(Task chain)
        {
            try
            {
                await chain.ConfigureAwait(false);
            }
            finally
            {
                if (Interlocked.Decrement(ref running) == 0)
                {
                    FinishRound();
                }

                _work?.WorkDone();
            }
        }
    }

    /// <summary>One events request (or a few) answers every checkout the feed can answer for.</summary>
    private async Task ReadFeedAsync(List<Waiter> waiters)
    {
        try
        {
            await _feed.ReadAsync(_source, _budget, _time, _work, _stopping).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the failure is each waiting checkout's to handle (its machine retries the read)
        catch (Exception exception)
#pragma warning restore CA1031
        {
            foreach (var waiter in waiters)
            {
                waiter.Fail(exception);
            }

            return;
        }

        foreach (var waiter in waiters)
        {
            waiter.Answer(_feed.Answer(waiter.ReaderId));
        }
    }

    private void FinishRound()
    {
        lock (_gate)
        {
            _roundRunning = false;
            if (_waiting.Count > 0 && !_stopping.IsCancellationRequested)
            {
                ScheduleRound();
            }
        }
    }

    private void CancelAll()
    {
        List<Waiter> waiting;
        lock (_gate)
        {
            waiting = _waiting;
            _waiting = [];
            _timer.Dispose();
        }

        foreach (var waiter in waiting)
        {
            waiter.Cancel(_stopping);
        }
    }

    private sealed class Waiter(string readerId, IWorkCounter? work)
    {
        public string ReaderId { get; } = readerId;

        public TaskCompletionSource<ObservedReader?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // Counted again before the waiter can run, so the count never dips to idle in between.
        public void Answer(ObservedReader? observed)
        {
            work?.WorkQueued();
            if (!Completion.TrySetResult(observed))
            {
                work?.WorkDone();
            }
        }

        public void Fail(Exception exception)
        {
            work?.WorkQueued();
            if (!Completion.TrySetException(exception))
            {
                work?.WorkDone();
            }
        }

        public void Cancel(CancellationToken token)
        {
            work?.WorkQueued();
            if (!Completion.TrySetCanceled(token))
            {
                work?.WorkDone();
            }
        }
    }
}

/// <summary>The pace of batched reader reads.</summary>
/// <param name="Interval">How often the readers with waiting checkouts are listed.</param>
internal sealed record ReaderBatchSettings(TimeSpan Interval)
{
    /// <summary>How long after a reader's last real read the events feed may answer for it; then a page reads it again.</summary>
    public TimeSpan FeedTrust { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most events pages one round reads; more events than that end the feed (pages serve until it starts again).</summary>
    public int FeedPagesPerRound { get; init; } = 3;
}
