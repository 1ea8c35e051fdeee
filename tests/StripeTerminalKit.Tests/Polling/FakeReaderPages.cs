using StripeTerminalKit.Polling;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Tests.Polling;

/// <summary>Stripe's list as a fake: readers newest first, pages of 100, <c>starting_after</c>, an optional location filter.</summary>
internal sealed class FakeReaderPages(TimeProvider time) : IReaderPageSource
{
    private readonly List<(string Id, string Location)> _readers = [];

    public List<(string? LocationId, string? StartingAfter, bool ExpandPaymentIntents, DateTimeOffset At)> Requests { get; } = [];

    public Exception? FailNext { get; set; }

    /// <summary>When set, each request hands its work over for 300 ms of the clock, as a network call on a fake clock does.</summary>
    public IWorkCounter? HandOver { get; set; }

    public IEnumerable<string> All => _readers.Select(r => r.Id);

    public void Add(string location, int count)
    {
        for (var i = 0; i < count; i++)
        {
            _readers.Add(($"tmr_{_readers.Count:D4}", location));
        }
    }

    public string[] ReadersOf(string location) => _readers.Where(r => r.Location == location).Select(r => r.Id).ToArray();

    public string LocationOf(string id) => _readers.Single(r => r.Id == id).Location;

    public async Task<ReaderPage> ListPageAsync(ReaderPageQuery query, CancellationToken cancellationToken)
    {
        if (HandOver is { } work)
        {
            var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            work.WorkDone();
            using var timer = time.CreateTimer(_ =>
            {
                work.WorkQueued();
                answered.TrySetResult();
            }, null, TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
            await answered.Task;
        }

        return await ListNowAsync(query);
    }

    /// <summary>The account's events, oldest first, as Stripe would list them (newest first, <c>ending_before</c>).</summary>
    public List<ReaderEvent> Events { get; } = [];

    public List<(string? EndingBefore, DateTimeOffset At)> EventRequests { get; } = [];

    public Exception? FailNextEvents { get; set; }

    public Task<ReaderEventPage> ListEventsAsync(ReaderEventQuery query, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            EventRequests.Add((query.EndingBefore, time.GetUtcNow()));
            if (FailNextEvents is { } failure)
            {
                FailNextEvents = null;
                return Task.FromException<ReaderEventPage>(failure);
            }

            var from = query.EndingBefore is null ? Math.Max(0, Events.Count - query.Limit) : Events.FindIndex(e => e.Id == query.EndingBefore) + 1;
            var page = Events.Skip(from).Take(query.Limit).ToArray();
            return Task.FromResult(new ReaderEventPage(page, query.EndingBefore is null ? from > 0 : from + page.Length < Events.Count));
        }
    }

    /// <summary>The reader's action as Stripe holds it now (pages show it); none until <see cref="Start"/>.</summary>
    private readonly Dictionary<string, TerminalReaderAction> _actions = [];

    /// <summary>Starts a payment action on the reader and returns the reader as the answer to that request shows it.</summary>
    public TerminalReader Start(string readerId, string intentId)
    {
        lock (Requests)
        {
            _actions[readerId] = Action(ReaderActionStatus.InProgress, intentId);
            return Reader(readerId, LocationOf(readerId));
        }
    }

    /// <summary>Ends the reader's action and records the event Stripe creates for it.</summary>
    public void Finish(string readerId, ReaderActionStatus status)
    {
        lock (Requests)
        {
            _actions[readerId] = _actions[readerId] with { Status = status };
            Events.Add(new ReaderEvent($"evt_{Events.Count:D6}", Reader(readerId, LocationOf(readerId)), null));
        }
    }

    /// <summary>An event for some other PaymentIntent's action on the reader (a late one, say).</summary>
    public void AddStrayEvent(string readerId, string intentId)
    {
        lock (Requests)
        {
            Events.Add(new ReaderEvent($"evt_{Events.Count:D6}", Reader(readerId, LocationOf(readerId)) with { Action = Action(ReaderActionStatus.Succeeded, intentId) }, null));
        }
    }

    private static TerminalReaderAction Action(ReaderActionStatus status, string intentId) => new()
    {
        Type = ReaderActionType.ProcessPaymentIntent,
        StripeType = "process_payment_intent",
        Status = status,
        PaymentIntentId = intentId,
    };

    private Task<ReaderPage> ListNowAsync(ReaderPageQuery query)
    {
        lock (Requests)
        {
            Requests.Add((query.LocationId, query.StartingAfter, query.ExpandPaymentIntents, time.GetUtcNow()));
        }

        if (FailNext is { } failure)
        {
            FailNext = null;
            return Task.FromException<ReaderPage>(failure);
        }

        lock (Requests)
        {
            return Task.FromResult(ListLocked(query));
        }
    }

    private ReaderPage ListLocked(ReaderPageQuery query)
    {
        var newestFirst = _readers.Where(r => query.LocationId is null || r.Location == query.LocationId).Reverse().ToList();
        var from = query.StartingAfter is null ? 0 : newestFirst.FindIndex(r => r.Id == query.StartingAfter) + 1;
        var page = newestFirst.Skip(from).Take(ReaderPageQuery.PageSize)
            .Select(r => new ObservedReader(Reader(r.Id, r.Location), null)).ToArray();

        return new ReaderPage(page, from + page.Length < newestFirst.Count);
    }

    private TerminalReader Reader(string id, string location) => new(
        id, id, "simulated_stripe_s700", null, location, ReaderNetworkStatus.Online, _actions.GetValueOrDefault(id),
        new Dictionary<string, string>(), null, null, null, false);
}
