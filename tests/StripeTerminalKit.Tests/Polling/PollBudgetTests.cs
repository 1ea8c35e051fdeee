using Microsoft.Extensions.Time.Testing;
using StripeTerminalKit.Polling;

namespace StripeTerminalKit.Tests.Polling;

public sealed class PollBudgetTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_burst_goes_at_once_then_turns_are_spaced_at_the_rate()
    {
        var budget = new PollBudget(requestsPerSecond: 10, burst: 3, _time);

        var turns = Enumerable.Range(0, 6).Select(_ => budget.WaitTurnAsync(CancellationToken.None).AsTask()).ToArray();

        Assert.Equal(3, turns.Count(t => t.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(4, turns.Count(t => t.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(6, turns.Count(t => t.IsCompleted));
        await Task.WhenAll(turns);
    }

    [Fact]
    public async Task A_per_second_budget_lets_a_cluster_go_together_and_holds_only_what_would_pass_the_limit()
    {
        var budget = PollBudget.PerSecond(4, _time);

        var first = Enumerable.Range(0, 6).Select(_ => budget.WaitTurnAsync(CancellationToken.None).AsTask()).ToArray();
        Assert.Equal(4, first.Count(t => t.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(4, first.Count(t => t.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(6, first.Count(t => t.IsCompleted));

        // 300 ms on: two of the second's four places are taken (the two that waited), two are free.
        _time.Advance(TimeSpan.FromMilliseconds(300));
        var next = Enumerable.Range(0, 3).Select(_ => budget.WaitTurnAsync(CancellationToken.None).AsTask()).ToArray();
        Assert.Equal(2, next.Count(t => t.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(700));
        Assert.Equal(3, next.Count(t => t.IsCompleted));
        await Task.WhenAll(first.Concat(next));
    }

    [Fact]
    public async Task A_per_second_budget_shrunk_for_a_farm_counts_the_turns_already_given()
    {
        var budget = PollBudget.PerSecond(6, _time);
        var given = Enumerable.Range(0, 3).Select(_ => budget.WaitTurnAsync(CancellationToken.None).AsTask()).ToArray();
        Assert.All(given, t => Assert.True(t.IsCompleted));

        budget.SetRate(3, burst: 1);
        var next = budget.WaitTurnAsync(CancellationToken.None).AsTask();

        Assert.Equal(3, budget.RequestsPerSecond);
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await next;
    }

    [Fact]
    public async Task A_new_rate_spaces_the_turns_reserved_after_it()
    {
        var budget = new PollBudget(requestsPerSecond: 10, burst: 1, _time);
        await budget.WaitTurnAsync(CancellationToken.None);

        budget.SetRate(2, burst: 1);
        var first = budget.WaitTurnAsync(CancellationToken.None).AsTask();
        var second = budget.WaitTurnAsync(CancellationToken.None).AsTask();

        Assert.Equal(2, budget.RequestsPerSecond);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(first.IsCompleted);
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(second.IsCompleted);
        await Task.WhenAll(first, second);
    }

    [Fact]
    public async Task However_many_wait_no_second_exceeds_the_rate()
    {
        var budget = new PollBudget(requestsPerSecond: 20, burst: 5, _time);
        var completedAt = new List<DateTimeOffset>();
        var turns = new List<Task>();
        for (var i = 0; i < 500; i++)
        {
            turns.Add(budget.WaitTurnAsync(CancellationToken.None).AsTask().ContinueWith(_ =>
            {
                lock (completedAt)
                {
                    completedAt.Add(_time.GetUtcNow());
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
        }

        for (var s = 0; s < 30 * 20; s++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        await Task.WhenAll(turns);
        var perSecond = completedAt.GroupBy(t => t.ToUnixTimeSeconds()).Max(g => g.Count());
        Assert.Equal(500, completedAt.Count);
        Assert.True(perSecond <= 20 + 5, $"max {perSecond} polls in one second");
    }

    [Fact]
    public async Task Turns_are_first_come_first_served()
    {
        var budget = new PollBudget(requestsPerSecond: 1, burst: 1, _time);
        var order = new List<int>();
        var turns = Enumerable.Range(0, 5).Select(i => budget.WaitTurnAsync(CancellationToken.None).AsTask().ContinueWith(_ => { lock (order) { order.Add(i); } }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)).ToArray();

        for (var s = 0; s < 5; s++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await Task.WhenAll(turns);

        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Fact]
    public async Task A_poll_waiting_for_its_turn_is_not_counted_as_work_until_the_clock_brings_its_turn()
    {
        var budget = new PollBudget(requestsPerSecond: 1, burst: 1, _time);
        var work = new Counter();
        await budget.WaitTurnAsync(work, CancellationToken.None);
        work.WorkQueued();

        var waiting = budget.WaitTurnAsync(work, CancellationToken.None).AsTask();
        var whileWaiting = work.Count;
        _time.Advance(TimeSpan.FromSeconds(1));
        var onTurn = work.Count;
        await waiting;

        Assert.Equal(0, whileWaiting);
        Assert.Equal(1, onTurn);
    }

    private sealed class Counter : IWorkCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void WorkQueued() => Interlocked.Increment(ref _count);

        public void WorkDone() => Interlocked.Decrement(ref _count);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_with_cancellation()
    {
        var budget = new PollBudget(requestsPerSecond: 1, burst: 1, _time);
        await budget.WaitTurnAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var waiting = budget.WaitTurnAsync(cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void Webhooks_arriving_long_after_their_event_count_as_unhealthy_until_prompt_ones_return()
    {
        var health = new WebhookHealth(_time, TimeSpan.FromMinutes(5));
        health.WebhookArrived(_time.GetUtcNow());
        Assert.True(health.IsHealthy);

        _time.Advance(TimeSpan.FromSeconds(30));
        health.WebhookArrived(_time.GetUtcNow() - TimeSpan.FromSeconds(30));
        Assert.False(health.IsHealthy);

        _time.Advance(TimeSpan.FromSeconds(1));
        health.WebhookArrived(_time.GetUtcNow() - TimeSpan.FromSeconds(2));
        Assert.True(health.IsHealthy);
    }

    [Fact]
    public void Webhooks_count_as_healthy_until_one_is_missed()
    {
        var health = new WebhookHealth(_time, TimeSpan.FromMinutes(5));
        Assert.False(health.IsHealthy);

        health.WebhookArrived();
        Assert.True(health.IsHealthy);

        _time.Advance(TimeSpan.FromSeconds(1));
        health.WebhookMissed();
        Assert.False(health.IsHealthy);

        _time.Advance(TimeSpan.FromSeconds(1));
        health.WebhookArrived();
        Assert.True(health.IsHealthy);

        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.False(health.IsHealthy);
    }
    [Fact]
    public async Task A_hold_lets_no_turn_go_before_it_and_saves_no_burst_for_then()
    {
        var budget = new PollBudget(requestsPerSecond: 10, burst: 5, _time);
        budget.HoldUntil(_time.GetUtcNow() + TimeSpan.FromSeconds(2));

        var turns = Enumerable.Range(0, 3).Select(_ => budget.WaitTurnAsync(CancellationToken.None).AsTask()).ToArray();

        _time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.Equal(0, turns.Count(t => t.IsCompleted));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, turns.Count(t => t.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(200));
        await Task.WhenAll(turns);
    }

    [Fact]
    public async Task Three_instances_shares_of_an_account_budget_never_exceed_it_together()
    {
        // Each instance's RequestBudgetShare split over three: 12/s and a burst of 6 for the account.
        var shares = Enumerable.Range(0, 3).Select(_ => new RequestBudgetShare(12, 6, _time)).ToArray();
        foreach (var share in shares)
        {
            Assert.True(share.Apply(3, holdUntil: null));
        }

        var completedAt = new List<DateTimeOffset>();
        var turns = new List<Task>();
        foreach (var share in shares)
        {
            for (var i = 0; i < 100; i++)
            {
                turns.Add(share.Readers.WaitTurnAsync(CancellationToken.None).AsTask().ContinueWith(_ =>
                {
                    lock (completedAt)
                    {
                        completedAt.Add(_time.GetUtcNow());
                    }
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
            }
        }

        for (var step = 0; step < 300; step++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await Task.WhenAll(turns);
        var start = completedAt.Min();
        var perSecond = completedAt.GroupBy(t => (int)((t - start).TotalMilliseconds / 1000)).Select(g => g.Count()).ToArray();
        Assert.All(perSecond, n => Assert.True(n <= 12 + 6, $"{n} polls in one second across the farm"));
        Assert.True(perSecond.Skip(1).All(n => n <= 12), "past the first second the account's rate holds");
        Assert.Equal(300, completedAt.Count);
    }
    [Fact]
    public async Task A_counted_wait_fires_at_its_time_even_when_the_owner_moves_the_clock_the_instant_the_work_is_handed_over()
    {
        // Seen on a busy machine as two list requests in one instant: the wait handed its work
        // over before its timer existed, the owner (a driver on a fake clock) saw nothing running
        // and moved the clock, and the timer made afterwards came late, so the next turn was due at once.
        var budget = new PollBudget(requestsPerSecond: 2, burst: 1, _time);
        await budget.WaitTurnAsync(CancellationToken.None);
        var owner = new ClockMovingOwner(_time, TimeSpan.FromMilliseconds(600));
        owner.WorkQueued();

        var turn = budget.WaitTurnAsync(owner, CancellationToken.None).AsTask();

        // The owner moved the clock 600 ms past the hand-over: the turn, due at 500 ms, came then
        // (its timer counted the work again before the clock stopped).
        Assert.Equal(1, owner.Count);
        await turn;
    }

    private sealed class ClockMovingOwner(FakeTimeProvider time, TimeSpan step) : IWorkCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void WorkQueued() => Interlocked.Increment(ref _count);

        public void WorkDone()
        {
            if (Interlocked.Decrement(ref _count) == 0)
            {
                time.Advance(step);
            }
        }
    }
}
