using Microsoft.Extensions.Time.Testing;
using StripeTerminalKit.Polling;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Tests.Polling;

/// <summary>
/// The events feed in the batch scheduler: when the waiting readers span several pages, one
/// <c>GET /v1/events</c> a round answers the checkouts whose readers were read since the feed began.
/// </summary>
public sealed class ReaderEventFeedTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource _stopping = new();
    private readonly FakeReaderPages _pages;
    private readonly ReaderBatchScheduler _scheduler;

    public ReaderEventFeedTests()
    {
        _pages = new FakeReaderPages(_time);
        _pages.Add("tml_a", 150);
        _pages.Add("tml_b", 150);
        _scheduler = new ReaderBatchScheduler(_pages, new PollBudget(1000, 1000, _time), _time, new ReaderBatchSettings(Interval), null, _stopping.Token);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>One reader in four starts a payment; the answer to each start seeds the scheduler.</summary>
    private string[] StartPayments()
    {
        var waiting = _pages.All.Where((_, i) => i % 4 == 0).ToArray();
        foreach (var id in waiting)
        {
            _scheduler.NoteSent(_pages.Start(id, "pi_" + id), _time.GetUtcNow());
        }

        return waiting;
    }

    /// <summary>Every waiting checkout asks, the clock moves to the round, and the answers come back.</summary>
    private async Task<ObservedReader?[]> RoundAsync(IEnumerable<string> readers)
    {
        var asks = readers.Select(id => _scheduler.ObserveAsync(id, null)).ToArray();
        _time.Advance(Interval);
        return await Task.WhenAll(asks);
    }

    /// <summary>
    /// Round 1 learns which page each reader is on (three pages); round 2 knows the pages cost more
    /// than one request, starts the feed, then reads the pages (the readers were read before the feed
    /// began). Returns the page requests a round of pages costs.
    /// </summary>
    private async Task<int> WarmUpAsync(string[] waiting)
    {
        await RoundAsync(waiting);
        Assert.Empty(_pages.EventRequests);
        var learning = _pages.Requests.Count;
        var second = await RoundAsync(waiting);
        Assert.All(second, o => Assert.Equal(ReaderActionStatus.InProgress, o!.Reader.Action!.Status));
        Assert.Single(_pages.EventRequests);
        var round = _pages.Requests.Count - learning;
        Assert.True(round >= 2, $"{round} pages a round");
        return round;
    }

    [Fact]
    public async Task Once_the_pages_cost_more_than_one_request_one_events_request_a_round_answers_every_waiting_checkout()
    {
        var waiting = StartPayments();
        await WarmUpAsync(waiting);
        var pagesAfterFirst = _pages.Requests.Count;

        // Round 2: the feed answers everyone for one request, no page.
        var second = await RoundAsync(waiting);
        Assert.All(second, o => Assert.Equal(ReaderActionStatus.InProgress, o!.Reader.Action!.Status));
        Assert.Equal(pagesAfterFirst, _pages.Requests.Count);
        Assert.Equal(2, _pages.EventRequests.Count);

        // A customer taps: the next round's single events request shows it.
        _pages.Finish(waiting[7], ReaderActionStatus.Succeeded);
        _pages.Finish(waiting[30], ReaderActionStatus.Failed);
        var third = await RoundAsync(waiting);
        Assert.Equal(ReaderActionStatus.Succeeded, third[7]!.Reader.Action!.Status);
        Assert.Equal(ReaderActionStatus.Failed, third[30]!.Reader.Action!.Status);
        Assert.Equal(waiting.Length - 2, third.Count(o => o!.Reader.Action!.Status == ReaderActionStatus.InProgress));
        Assert.Equal(pagesAfterFirst, _pages.Requests.Count);
        Assert.Equal(3, _pages.EventRequests.Count);
    }

    [Fact]
    public async Task An_event_of_another_action_never_takes_a_waiting_reader_back_or_forward()
    {
        var waiting = StartPayments();
        await WarmUpAsync(waiting);

        _pages.AddStrayEvent(waiting[3], "pi_an_older_payment");
        var answers = await RoundAsync(waiting);

        Assert.Equal(ReaderActionStatus.InProgress, answers[3]!.Reader.Action!.Status);
        Assert.Equal("pi_" + waiting[3], answers[3]!.Reader.Action!.PaymentIntentId);
    }

    [Fact]
    public async Task A_reader_not_read_for_the_trust_period_is_read_in_a_page_again()
    {
        var waiting = StartPayments();
        var round = await WarmUpAsync(waiting);
        var pages = _pages.Requests.Count;

        // The feed alone until ten seconds have passed since the pages read the readers; then pages, once.
        var feedRounds = 0;
        while (_pages.Requests.Count == pages)
        {
            await RoundAsync(waiting);
            feedRounds++;
            Assert.True(feedRounds <= 12, "the readers were never read again");
        }

        Assert.InRange(feedRounds, 10, 11);
        var swept = _pages.Requests.Count;
        Assert.InRange(swept - pages, 2, round);
        await RoundAsync(waiting);
        Assert.Equal(swept, _pages.Requests.Count);
    }

    [Fact]
    public async Task A_failed_events_request_fails_the_reads_it_served_and_the_feed_starts_again_behind_pages()
    {
        var waiting = StartPayments();
        var round = await WarmUpAsync(waiting);
        var pages = _pages.Requests.Count;
        _pages.FailNextEvents = new HttpRequestException("connection reset");

        var asks = waiting.Select(id => _scheduler.ObserveAsync(id, null)).ToArray();
        _time.Advance(Interval);
        foreach (var ask in asks)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => ask);
        }

        // The customer tapped during the gap: the pages of the next round show it, and the feed begins again.
        _pages.Finish(waiting[5], ReaderActionStatus.Succeeded);
        var after = await RoundAsync(waiting);
        Assert.Equal(ReaderActionStatus.Succeeded, after[5]!.Reader.Action!.Status);
        var paged = _pages.Requests.Count;
        Assert.InRange(paged - pages, 2, round);
        Assert.Equal(3, _pages.EventRequests.Count);

        var next = await RoundAsync(waiting);
        Assert.Equal(ReaderActionStatus.Succeeded, next[5]!.Reader.Action!.Status);
        Assert.Equal(paged, _pages.Requests.Count);
        Assert.Equal(4, _pages.EventRequests.Count);
    }

    [Fact]
    public async Task When_events_cannot_be_read_pages_serve_alone()
    {
        var waiting = StartPayments();
        _pages.FailNextEvents = new InvalidOperationException("this key may not read events");
        await RoundAsync(waiting);

        var answers = await RoundAsync(waiting);
        var pages = _pages.Requests.Count;
        await RoundAsync(waiting);

        Assert.All(answers, o => Assert.Equal(ReaderActionStatus.InProgress, o!.Reader.Action!.Status));
        Assert.Single(_pages.EventRequests);
        Assert.True(_pages.Requests.Count - pages >= 2);
    }

    [Fact]
    public async Task A_shop_whose_waiting_readers_fit_one_page_never_reads_events()
    {
        var shop = _pages.ReadersOf("tml_a").TakeLast(20).ToArray();
        foreach (var id in shop)
        {
            _scheduler.NoteSent(_pages.Start(id, "pi_" + id), _time.GetUtcNow());
        }

        for (var i = 0; i < 5; i++)
        {
            await RoundAsync(shop);
        }

        Assert.Empty(_pages.EventRequests);
        Assert.Equal(5, _pages.Requests.Count);
    }

    [Fact]
    public void A_page_asked_for_while_our_action_was_being_started_never_takes_the_reader_back()
    {
        // Requests take time both ways (the fleet's latency model found this): the page below was
        // asked for after our start was sent, handled by Stripe before it, and answered after it.
        var feed = new ReaderEventFeed(new ReaderBatchSettings(Interval));
        var id = _pages.ReadersOf("tml_a")[0];
        var t0 = _time.GetUtcNow();
        var idle = _pages.Start(id, "pi_old") with { Action = null };
        var started = _pages.Start(id, "pi_new");

        feed.NoteRead(started, null, t0, t0.AddMilliseconds(600), started: true);
        feed.NoteRead(idle, null, t0.AddMilliseconds(100), t0.AddMilliseconds(700));
        Assert.Equal(("pi_new", ReaderActionStatus.InProgress), (feed.Answer(id)!.Reader.Action?.PaymentIntentId, feed.Answer(id)!.Reader.Action!.Status));

        // A page asked for after the start's answer came is newer, and replaces it.
        var done = started with { Action = started.Action! with { Status = ReaderActionStatus.Succeeded } };
        feed.NoteRead(done, null, t0.AddMilliseconds(800), t0.AddMilliseconds(900));
        Assert.Equal(ReaderActionStatus.Succeeded, feed.Answer(id)!.Reader.Action!.Status);
    }
}
