using Microsoft.Extensions.Time.Testing;
using StripeTerminalKit.Polling;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Tests.Polling;

public sealed class ReaderBatchSchedulerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource _stopping = new();
    private readonly FakeReaderPages _pages;

    public ReaderBatchSchedulerTests() => _pages = new FakeReaderPages(_time);

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>The first round after a quiet spell starts a tenth of an interval after the first ask.</summary>
    private async Task<T> FirstRoundAsync<T>(Task<T> observation)
    {
        _time.Advance(TimeSpan.FromMilliseconds(100));
        return await observation;
    }

    private ReaderBatchScheduler Scheduler(double listsPerSecond = 20, int burst = 5) =>
        new(_pages, new PollBudget(listsPerSecond, burst, _time), _time, new ReaderBatchSettings(TimeSpan.FromSeconds(1)), null, _stopping.Token);

    [Fact]
    public async Task One_list_request_answers_every_checkout_waiting_in_a_location()
    {
        _pages.Add("tml_shop", 10);
        var scheduler = Scheduler();
        foreach (var id in _pages.ReadersOf("tml_shop"))
        {
            scheduler.NoteLocation(id, "tml_shop");
        }

        var observations = _pages.ReadersOf("tml_shop").Take(6).Select(id => scheduler.ObserveAsync(id, null)).ToArray();
        var seen = await FirstRoundAsync(Task.WhenAll(observations));

        var request = Assert.Single(_pages.Requests);
        Assert.Equal("tml_shop", request.LocationId);
        Assert.True(request.ExpandPaymentIntents);
        Assert.Equal(_pages.ReadersOf("tml_shop").Take(6), seen.Select(o => o!.Reader.Id));
    }

    [Fact]
    public async Task A_reader_no_page_shows_is_answered_with_nothing_so_its_checkout_reads_it_alone()
    {
        _pages.Add("tml_shop", 3);
        var scheduler = Scheduler();

        var missing = await FirstRoundAsync(scheduler.ObserveAsync("tmr_gone", null));

        Assert.Null(missing);
        Assert.Single(_pages.Requests);
    }

    [Fact]
    public async Task The_next_round_waits_for_the_interval_however_often_checkouts_ask()
    {
        _pages.Add("tml_shop", 2);
        var scheduler = Scheduler();
        var reader = _pages.ReadersOf("tml_shop")[0];
        await FirstRoundAsync(scheduler.ObserveAsync(reader, null));

        var second = scheduler.ObserveAsync(reader, null);
        var third = scheduler.ObserveAsync(_pages.ReadersOf("tml_shop")[1], null);
        _time.Advance(TimeSpan.FromMilliseconds(900));

        Assert.False(second.IsCompleted);
        Assert.Single(_pages.Requests);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await Task.WhenAll(second, third);
        Assert.Equal(2, _pages.Requests.Count);
    }

    [Fact]
    public async Task Readers_spread_over_many_locations_are_listed_across_the_account_once_their_pages_are_known()
    {
        for (var i = 0; i < 5; i++)
        {
            _pages.Add("tml_" + i, 2);
        }

        var scheduler = Scheduler();
        var waiting = Enumerable.Range(0, 5).Select(i => _pages.ReadersOf("tml_" + i)[0]).ToArray();
        foreach (var id in _pages.All)
        {
            scheduler.NoteLocation(id, _pages.LocationOf(id));
        }

        // First round: the account's one page costs as much as one location, less than five.
        await FirstRoundAsync(Task.WhenAll(waiting.Select(id => scheduler.ObserveAsync(id, null))));
        var next = waiting.Select(id => scheduler.ObserveAsync(id, null)).ToArray();
        _time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(next);

        Assert.Equal(2, _pages.Requests.Count);
        Assert.All(_pages.Requests, r => Assert.Null(r.LocationId));
    }

    [Fact]
    public async Task A_location_of_more_than_a_hundred_readers_is_paged_and_later_rounds_read_only_the_pages_with_waiting_readers()
    {
        _pages.Add("tml_big", 250);
        var scheduler = Scheduler();
        var readers = _pages.ReadersOf("tml_big");
        foreach (var id in readers)
        {
            scheduler.NoteLocation(id, "tml_big");
        }

        // Newest first: the last registered is on the first page, the first registered on the third.
        var onThirdPage = readers[0];
        var first = await FirstRoundAsync(scheduler.ObserveAsync(onThirdPage, null));
        Assert.NotNull(first);
        Assert.Equal(3, _pages.Requests.Count);

        var again = scheduler.ObserveAsync(onThirdPage, null);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(await again);

        Assert.Equal(4, _pages.Requests.Count);
        Assert.Equal(_pages.Requests[2].StartingAfter, _pages.Requests[3].StartingAfter);
        Assert.NotNull(_pages.Requests[3].StartingAfter);
    }

    [Fact]
    public async Task List_requests_spend_the_budget_and_never_exceed_it()
    {
        _pages.Add("tml_big", 500);
        var work = new Counter();
        var scheduler = new ReaderBatchScheduler(_pages, new PollBudget(2, 1, _time), _time, new ReaderBatchSettings(TimeSpan.FromSeconds(1)), work, _stopping.Token);
        var readers = _pages.ReadersOf("tml_big");
        foreach (var id in readers)
        {
            scheduler.NoteLocation(id, "tml_big");
        }

        // Learn the five pages (a chain of five requests at 2 per second); the clock moves only when
        // the round waits for it, as a driver on a fake clock moves it.
        var learn = scheduler.ObserveAsync(readers[0], null);
        for (var i = 0; i < 100 && !learn.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            while (work.Count != 0 && !learn.IsCompleted)
            {
                await Task.Yield();
            }
        }

        await learn;
        var times = _pages.Requests.Select(r => r.At).ToArray();
        Assert.Equal(5, times.Length);
        for (var i = 1; i < times.Length; i++)
        {
            Assert.True(times[i] - times[i - 1] >= TimeSpan.FromMilliseconds(500), $"request {i} came {(times[i] - times[i - 1]).TotalMilliseconds} ms after the previous one");
        }
    }

    [Fact]
    public async Task A_failed_list_request_fails_each_waiting_observation()
    {
        _pages.Add("tml_shop", 2);
        _pages.FailNext = new InvalidOperationException("network");
        var scheduler = Scheduler();

        var observation = scheduler.ObserveAsync(_pages.ReadersOf("tml_shop")[0], null);

        await Assert.ThrowsAsync<InvalidOperationException>(() => FirstRoundAsync(observation));
    }

    [Fact]
    public async Task Stopping_cancels_waiting_observations()
    {
        _pages.Add("tml_shop", 2);
        var scheduler = Scheduler();
        await FirstRoundAsync(scheduler.ObserveAsync(_pages.ReadersOf("tml_shop")[0], null));
        var waiting = scheduler.ObserveAsync(_pages.ReadersOf("tml_shop")[0], null);

        await _stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task A_waiting_observation_does_not_count_as_work_until_it_is_answered()
    {
        _pages.Add("tml_shop", 2);
        var work = new Counter();
        var scheduler = new ReaderBatchScheduler(_pages, new PollBudget(20, 5, _time), _time, new ReaderBatchSettings(TimeSpan.FromSeconds(1)), work, _stopping.Token);
        var reader = _pages.ReadersOf("tml_shop")[0];
        await FirstRoundAsync(scheduler.ObserveAsync(reader, null));

        work.WorkQueued(); // the caller's own count, as the executor holds it
        var waiting = scheduler.ObserveAsync(reader, work);

        Assert.Equal(0, work.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        await waiting;
        Assert.Equal(1, work.Count);
    }

    [Fact]
    public async Task Pages_read_side_by_side_each_hand_over_their_own_work_so_the_count_never_goes_below_zero()
    {
        // Two locations waiting in one round: two list requests at once. Each request hands its work
        // over while the network answers (as a driver on a fake clock models latency), and the
        // second waits for a budget turn. Before each chain counted as its own work, both handed over
        // the round's single unit: the count went to -1 and the driver never saw the kit idle.
        // Three hundred readers: three pages. A first round learns which page shows each of two
        // waiting readers; the next round then reads those two pages side by side.
        _pages.Add("tml_north", 100);
        _pages.Add("tml_south", 100);
        _pages.Add("tml_idle", 100);
        var northReader = _pages.ReadersOf("tml_north")[0];
        var southReader = _pages.ReadersOf("tml_south")[0];
        var work = new Counter();
        var scheduler = new ReaderBatchScheduler(_pages, new PollBudget(2, 1, _time), _time, new ReaderBatchSettings(TimeSpan.FromSeconds(1)), work, _stopping.Token);
        var learnNorth = scheduler.ObserveAsync(northReader, null);
        var learnSouth = scheduler.ObserveAsync(southReader, null);
        for (var i = 0; i < 50 && !(learnNorth.IsCompleted && learnSouth.IsCompleted); i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await Task.WhenAll(learnNorth, learnSouth);
        _pages.Requests.Clear();
        _time.Advance(TimeSpan.FromSeconds(5));
        _pages.HandOver = work;

        work.WorkQueued();
        work.WorkQueued();
        var north = scheduler.ObserveAsync(northReader, work);
        var south = scheduler.ObserveAsync(southReader, work);
        for (var i = 0; i < 30 && !(north.IsCompleted && south.IsCompleted); i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            for (var spin = 0; spin < 1000 && work.Count > 0 && !(north.IsCompleted && south.IsCompleted); spin++)
            {
                await Task.Yield();
            }
        }

        Assert.NotNull(await north);
        Assert.NotNull(await south);
        Assert.Equal(2, _pages.Requests.Count);
        Assert.True(work.Min >= 0, $"the work count went down to {work.Min}");
    }

    private sealed class Counter : IWorkCounter
    {
        private int _count;
        private int _min;

        public int Count => Volatile.Read(ref _count);

        /// <summary>The lowest the count has been.</summary>
        public int Min => Volatile.Read(ref _min);

        public void WorkQueued() => Interlocked.Increment(ref _count);

        public void WorkDone()
        {
            var now = Interlocked.Decrement(ref _count);
            lock (this)
            {
                _min = Math.Min(_min, now);
            }
        }
    }
}
