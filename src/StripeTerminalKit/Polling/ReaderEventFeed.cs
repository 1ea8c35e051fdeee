using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Polling;

/// <summary>
/// The account's reader-action events read as a feed (<c>GET /v1/events?ending_before=…</c>), so one
/// request a round answers every waiting checkout whose reader was read recently: a reader whose
/// action produced no event since that read is as it was; one whose action ended shows it in its
/// event. Used by <see cref="ReaderBatchScheduler"/> when the waiting readers span more pages than
/// one request. Stripe creates events whether or not webhooks reach the endpoint, so the feed
/// serves while webhooks are down or late.
/// </summary>
/// <remarks>
/// What makes "no event" mean "unchanged": the feed is read without gaps from the moment it was
/// established (each request continues from the newest event the last one saw), and a reader is
/// answered from it only when it was read at or after that moment. Events only move an action of
/// ours that was in progress (same type, same PaymentIntent) forward, so a late event never takes a
/// reader back. A reader last read longer ago than <see cref="ReaderBatchSettings.FeedTrust"/> is
/// read again through a page (which refreshes every reader on it), bounding what an event that
/// became visible late could hold up; a gap in the feed (a failed request, an idle spell, more
/// events than it reads in a round) ends it, and it is established again when it pays.
/// </remarks>
internal sealed class ReaderEventFeed
{
    private const int PageLimit = 100;

    private readonly Lock _gate = new();
    private readonly ReaderBatchSettings _settings;
    private readonly Dictionary<string, Snapshot> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _readerOfIntent = new(StringComparer.Ordinal);
    private bool _live;
    private string? _cursor;
    private DateTimeOffset _coveredSince;
    private DateTimeOffset _lastRead;

    public ReaderEventFeed(ReaderBatchSettings settings) => _settings = settings;

    /// <summary>Whether the feed runs without a gap, so the next read continues it.</summary>
    public bool IsLive(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _live && now - _lastRead <= _settings.Interval * 5;
        }
    }

    /// <summary>
    /// A reader as a real read showed it: Stripe handled the request after <paramref name="sentAt"/>
    /// and before <paramref name="answeredAt"/>. The answer to starting an action of ours
    /// (<paramref name="started"/>) always replaces what was known; a page replaces it only when the
    /// page was asked for after the known read's answer came, since a request in flight at the same
    /// time may have been handled first (a page asked for while our action was being started can
    /// show the reader before it) and would take the reader back.
    /// </summary>
    public void NoteRead(TerminalReader reader, TerminalPayment? intent, DateTimeOffset sentAt, DateTimeOffset answeredAt, bool started = false)
    {
        lock (_gate)
        {
            if (_readers.TryGetValue(reader.Id, out var old) && !started && sentAt < old.AnsweredAt)
            {
                return;
            }

            if (old.IntentId is { } oldIntent)
            {
                _readerOfIntent.Remove(oldIntent);
            }

            var snapshot = Snapshot.Of(reader, sentAt, answeredAt);
            snapshot.Intent = intent is not null && intent.Id == snapshot.IntentId ? intent : null;
            _readers[reader.Id] = snapshot;
            if (snapshot.IntentId is { } intentId)
            {
                _readerOfIntent[intentId] = reader.Id;
            }
        }
    }

    /// <summary>Whether the feed can answer for this reader now: it was read since the feed began, recently, with an action of a payment.</summary>
    public bool CanAnswer(string readerId, DateTimeOffset now)
    {
        lock (_gate)
        {
            return _live
                && _readers.TryGetValue(readerId, out var snapshot)
                && snapshot.ReadAt >= _coveredSince
                && now - snapshot.ReadAt <= _settings.FeedTrust
                && snapshot.IntentId is not null;
        }
    }

    /// <summary>The reader as the feed knows it (with its PaymentIntent when an event showed it authorised).</summary>
    public ObservedReader? Answer(string readerId)
    {
        lock (_gate)
        {
            return _readers.TryGetValue(readerId, out var snapshot) ? new ObservedReader(snapshot.ToReader(readerId), snapshot.Intent) : null;
        }
    }

    /// <summary>Starts the feed at the newest event: everything after it will be read. Readers read from now on can be answered.</summary>
    public async Task EstablishAsync(IReaderPageSource source, PollBudget budget, TimeProvider time, IWorkCounter? work, CancellationToken cancellationToken)
    {
        await budget.WaitTurnAsync(work, cancellationToken).ConfigureAwait(false);
        var sentAt = time.GetUtcNow();
        var page = await source.ListEventsAsync(new ReaderEventQuery(null, 1), cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _cursor = page.Events.Count > 0 ? page.Events[^1].Id : null;
            _coveredSince = sentAt;
            _lastRead = sentAt;
            _live = true;
        }
    }

    /// <summary>
    /// Reads every event since the last read (a few pages at most) and applies them. A failure or
    /// more events than that ends the feed: the exception is the waiting checkouts' to handle.
    /// </summary>
    public async Task ReadAsync(IReaderPageSource source, PollBudget budget, TimeProvider time, IWorkCounter? work, CancellationToken cancellationToken)
    {
        try
        {
            for (var pages = 0; pages < _settings.FeedPagesPerRound; pages++)
            {
                await budget.WaitTurnAsync(work, cancellationToken).ConfigureAwait(false);
                string? cursor;
                lock (_gate)
                {
                    cursor = _cursor;
                }

                var sentAt = time.GetUtcNow();
                var page = await source.ListEventsAsync(new ReaderEventQuery(cursor, PageLimit), cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    foreach (var e in page.Events)
                    {
                        Apply(e);
                    }

                    if (page.Events.Count > 0)
                    {
                        _cursor = page.Events[^1].Id;
                    }

                    // Without a cursor the newest events came first; newer than those cannot be paged to.
                    if (page.HasMore && cursor is null)
                    {
                        ResetLocked();
                        return;
                    }

                    if (!page.HasMore)
                    {
                        _lastRead = sentAt;
                        return;
                    }
                }
            }

            Reset();
        }
        catch
        {
            Reset();
            throw;
        }
    }

    /// <summary>Ends the feed; the next round that needs it establishes it again.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            ResetLocked();
        }
    }

    private void ResetLocked()
    {
        _live = false;
        _cursor = null;
    }

    /// <summary>An event moves an action of ours forward, never back; a PaymentIntent event joins the reader running its action.</summary>
    private void Apply(ReaderEvent e)
    {
        if (e.Reader is { Action: { PaymentIntentId: { } intentId } action } reader
            && _readers.TryGetValue(reader.Id, out var snapshot)
            && snapshot.InProgress
            && snapshot.Type == action.Type
            && snapshot.IntentId == intentId)
        {
            if (action.IsFinished)
            {
                snapshot.Finished = action;
                snapshot.LocationId = reader.LocationId;
                snapshot.Network = reader.NetworkStatus;
                _readers[reader.Id] = snapshot;
            }
        }
        else if (e.PaymentIntent is { } intent
            && _readerOfIntent.TryGetValue(intent.Id, out var readerId)
            && _readers.TryGetValue(readerId, out var running)
            && running.IntentId == intent.Id)
        {
            running.Intent = intent;
            _readers[readerId] = running;
        }
    }

    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>(0, StringComparer.Ordinal);

    /// <summary>
    /// What a checkout reads of a reader (location, status, its action), kept as a value with no
    /// copy of what it does not read (label, serial, metadata): a snapshot per reader stays well
    /// under the per-checkout memory target. An action in progress is kept as its type and
    /// PaymentIntent; a finished one whole (its failure, card, …).
    /// </summary>
    private struct Snapshot
    {
        public string? LocationId;
        public ReaderNetworkStatus Network;
        public bool Livemode;
        public ReaderActionType Type;
        public string? StripeType;
        public string? IntentId;
        public TerminalReaderAction? Finished;
        public TerminalPayment? Intent;
        public DateTimeOffset ReadAt;
        public DateTimeOffset AnsweredAt;

        /// <summary>An action is known (its type was kept) and no outcome of it yet.</summary>
        public readonly bool InProgress => StripeType is not null && Finished is null;

        public static Snapshot Of(TerminalReader reader, DateTimeOffset readAt, DateTimeOffset answeredAt)
        {
            var action = reader.Action;
            return new Snapshot
            {
                LocationId = reader.LocationId,
                Network = reader.NetworkStatus,
                Livemode = reader.Livemode,
                Type = action?.Type ?? ReaderActionType.Unknown,
                StripeType = action is null ? null : string.Intern(action.StripeType),
                IntentId = action?.PaymentIntentId,
                Finished = action is { IsFinished: true } ? action : null,
                ReadAt = readAt,
                AnsweredAt = answeredAt,
            };
        }

        public readonly TerminalReader ToReader(string readerId)
        {
            var action = Finished ?? (InProgress
                ? new TerminalReaderAction { Type = Type, StripeType = StripeType!, Status = ReaderActionStatus.InProgress, PaymentIntentId = IntentId, ReaderId = readerId }
                : null);
            return new TerminalReader(readerId, string.Empty, string.Empty, null, LocationId, Network, action, NoMetadata, null, null, null, Livemode);
        }
    }
}
