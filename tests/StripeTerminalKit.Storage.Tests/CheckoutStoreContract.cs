using Microsoft.Extensions.Time.Testing;
using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Storage.Tests;

/// <summary>
/// What every <see cref="ICheckoutStore"/> promises, run against each store (in memory, SQLite,
/// and any later one): compare-and-set under concurrent writers, reader claims, listing, retention.
/// </summary>
public abstract class CheckoutStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The clock the store's leases are measured by (tests move it).</summary>
    protected FakeTimeProvider Clock { get; } = new(T0);

    /// <summary>A new, empty store whose leases are measured by <paramref name="time"/>.</summary>
    protected abstract Task<ICheckoutStore> CreateStoreAsync(TimeProvider time);

    /// <summary>A new, empty store on <see cref="Clock"/>.</summary>
    protected Task<ICheckoutStore> CreateStoreAsync() => CreateStoreAsync(Clock);

    protected static CheckoutRecord Record(string id, long version, CheckoutState state = CheckoutState.WaitingForCustomer, string reader = "tmr_1", DateTimeOffset? at = null, string document = "{\"v\":2}", string? owner = null) =>
        new(id, reader, state, state.IsCompleted(), document, version, at ?? T0) { Owner = owner };

    [Fact]
    public async Task A_saved_checkout_loads_back_as_saved()
    {
        var store = await CreateStoreAsync();
        var record = Record("order-1", 1, owner: "till-1", at: T0.AddMilliseconds(1234.5678));

        await store.SaveAsync(record, 0);

        var loaded = await store.LoadAsync("order-1");
        Assert.Equal(record, loaded);
        Assert.Equal("till-1", loaded!.Owner);
        Assert.Null(await store.LoadAsync("order-2"));
    }

    [Fact]
    public async Task A_save_replaces_only_the_version_it_names()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync(Record("order-1", 1), 0);
        await store.SaveAsync(Record("order-1", 2, CheckoutState.Capturing), 1);

        var stale = await Assert.ThrowsAsync<CheckoutConcurrencyException>(async () => await store.SaveAsync(Record("order-1", 2, CheckoutState.Canceling), 1));
        var duplicate = await Assert.ThrowsAsync<CheckoutConcurrencyException>(async () => await store.SaveAsync(Record("order-1", 1), 0));
        var missing = await Assert.ThrowsAsync<CheckoutConcurrencyException>(async () => await store.SaveAsync(Record("order-9", 5), 4));

        Assert.Equal((1L, 2L, "order-1"), (stale.ExpectedVersion, stale.ActualVersion, stale.CheckoutId));
        Assert.Equal((0L, 2L), (duplicate.ExpectedVersion, duplicate.ActualVersion));
        Assert.Equal((4L, 0L), (missing.ExpectedVersion, missing.ActualVersion));
        var held = await store.LoadAsync("order-1");
        Assert.Equal((2L, CheckoutState.Capturing), (held!.Version, held.State));
        Assert.Null(await store.LoadAsync("order-9"));
    }

    [Fact]
    public async Task Sixteen_concurrent_writers_lose_no_update()
    {
        const int Writers = 16, SavesEach = 20;
        var store = await CreateStoreAsync();
        await store.SaveAsync(Record("hot", 1, document: "0"), 0);
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var done = 0; done < SavesEach;)
            {
                var current = (await store.LoadAsync("hot"))!;
                var count = int.Parse(current.StateJson, System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    await store.SaveAsync(current with { Version = current.Version + 1, StateJson = (count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) }, current.Version);
                    done++;
                }
                catch (CheckoutConcurrencyException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        var final = (await store.LoadAsync("hot"))!;
        Assert.Equal(Writers * SavesEach, int.Parse(final.StateJson, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1 + (Writers * SavesEach), final.Version);
    }

    [Fact]
    public async Task A_reader_is_claimed_by_one_unfinished_checkout_at_a_time()
    {
        var store = await CreateStoreAsync();

        Assert.True(await store.TryClaimReaderAsync("tmr_1", "order-a"));
        await store.SaveAsync(Record("order-a", 1), 0);
        Assert.True(await store.TryClaimReaderAsync("tmr_1", "order-a"));
        Assert.False(await store.TryClaimReaderAsync("tmr_1", "order-b"));
        Assert.Equal("order-a", await store.GetReaderHolderAsync("tmr_1"));
        Assert.True(await store.TryClaimReaderAsync("tmr_2", "order-b"));

        // Only the holder releases.
        await store.ReleaseReaderAsync("tmr_1", "order-b");
        Assert.Equal("order-a", await store.GetReaderHolderAsync("tmr_1"));
        await store.ReleaseReaderAsync("tmr_1", "order-a");
        Assert.Null(await store.GetReaderHolderAsync("tmr_1"));
        Assert.True(await store.TryClaimReaderAsync("tmr_1", "order-c"));
    }

    [Fact]
    public async Task A_claim_left_by_a_completed_checkout_does_not_block_the_reader()
    {
        var store = await CreateStoreAsync();
        Assert.True(await store.TryClaimReaderAsync("tmr_1", "order-a"));
        await store.SaveAsync(Record("order-a", 1), 0);

        // Completed, then the process died before releasing the reader.
        await store.SaveAsync(Record("order-a", 2, CheckoutState.Succeeded), 1);

        Assert.True(await store.TryClaimReaderAsync("tmr_1", "order-b"));
        Assert.Equal("order-b", await store.GetReaderHolderAsync("tmr_1"));
    }

    [Fact]
    public async Task Sixteen_checkouts_racing_for_one_reader_leave_one_holder()
    {
        var store = await CreateStoreAsync();

        var wins = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () => await store.TryClaimReaderAsync("tmr_1", $"order-{i}"))));

        Assert.Single(wins, w => w);
        Assert.Equal($"order-{Array.IndexOf(wins, true)}", await store.GetReaderHolderAsync("tmr_1"));
    }

    [Fact]
    public async Task Unfinished_and_by_state_listings_hold_exactly_their_checkouts()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync(Record("waiting", 1), 0);
        await store.SaveAsync(Record("authorized", 1, CheckoutState.Authorized, reader: "tmr_2"), 0);
        await store.SaveAsync(Record("paid", 1, CheckoutState.Succeeded, reader: "tmr_3"), 0);
        await store.SaveAsync(Record("capturing", 1, CheckoutState.Capturing, reader: "tmr_4"), 0);

        var unfinished = await Ids(store.ListUnfinishedAsync());
        var authorized = await Ids(store.ListByStateAsync(CheckoutState.Authorized));

        Assert.Equal(["capturing", "waiting"], unfinished);
        Assert.Equal(["authorized"], authorized);
    }

    [Fact]
    public async Task Retention_removes_old_completed_checkouts_only()
    {
        var store = await CreateStoreAsync();
        var old = T0.AddDays(-100);
        await store.SaveAsync(Record("old-paid", 1, CheckoutState.Succeeded, at: old), 0);
        await store.SaveAsync(Record("old-canceled", 1, CheckoutState.Canceled, reader: "tmr_2", at: old), 0);
        await store.SaveAsync(Record("old-authorized", 1, CheckoutState.Authorized, reader: "tmr_3", at: old), 0);
        await store.SaveAsync(Record("old-unfinished", 1, CheckoutState.WaitingForCustomer, reader: "tmr_4", at: old), 0);
        await store.SaveAsync(Record("recent-paid", 1, CheckoutState.Succeeded, reader: "tmr_5", at: T0), 0);
        Assert.True(await store.TryClaimReaderAsync("tmr_1", "old-paid"));

        var removed = await store.PurgeCompletedAsync(T0.AddDays(-90));

        Assert.Equal(2, removed);
        Assert.Null(await store.LoadAsync("old-paid"));
        Assert.Null(await store.LoadAsync("old-canceled"));
        Assert.NotNull(await store.LoadAsync("old-authorized"));
        Assert.NotNull(await store.LoadAsync("old-unfinished"));
        Assert.NotNull(await store.LoadAsync("recent-paid"));
        Assert.True(await store.TryClaimReaderAsync("tmr_1", "next-sale"));
        Assert.Equal(0, await store.PurgeCompletedAsync(T0.AddDays(-90)));
    }

    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_lease_is_held_until_it_expires_and_a_change_of_holder_moves_its_version()
    {
        var store = await CreateStoreAsync();

        var first = await store.TryAcquireLeaseAsync("reconciler", "web-1", LeaseTime);
        var refused = await store.TryAcquireLeaseAsync("reconciler", "web-2", LeaseTime);
        Clock.Advance(TimeSpan.FromSeconds(10));
        var renewed = await store.TryAcquireLeaseAsync("reconciler", "web-1", LeaseTime);
        Clock.Advance(TimeSpan.FromSeconds(14));
        var stillRefused = await store.TryAcquireLeaseAsync("reconciler", "web-2", LeaseTime);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var takenOver = await store.TryAcquireLeaseAsync("reconciler", "web-2", LeaseTime);

        Assert.Equal(("web-1", 1L, T0 + LeaseTime), (first!.Holder, first.Version, first.ExpiresAt));
        Assert.Null(refused);
        Assert.Equal((1L, T0.AddSeconds(25)), (renewed!.Version, renewed.ExpiresAt));
        Assert.Null(stillRefused);
        Assert.Equal(("web-2", 2L), (takenOver!.Holder, takenOver.Version));
    }

    [Fact]
    public async Task Live_leases_are_listed_by_prefix_and_a_released_one_is_free_at_once()
    {
        var store = await CreateStoreAsync();
        await store.TryAcquireLeaseAsync("instance:web-1", "web-1", LeaseTime);
        await store.TryAcquireLeaseAsync("instance:web-2", "web-2", TimeSpan.FromSeconds(5));
        await store.TryAcquireLeaseAsync("reconciler", "web-1", LeaseTime);
        Clock.Advance(TimeSpan.FromSeconds(6));

        var live = new List<string>();
        await foreach (var lease in store.ListLeasesAsync("instance:"))
        {
            live.Add(lease.Name);
        }

        await store.ReleaseLeaseAsync("reconciler", "web-2");
        Assert.Null(await store.TryAcquireLeaseAsync("reconciler", "web-3", LeaseTime));
        await store.ReleaseLeaseAsync("reconciler", "web-1");
        var afterRelease = await store.TryAcquireLeaseAsync("reconciler", "web-3", LeaseTime);

        Assert.Equal(["instance:web-1"], live);
        Assert.Equal(("web-3", 2L), (afterRelease!.Holder, afterRelease.Version));
    }

    [Fact]
    public async Task A_checkout_is_taken_from_a_dead_instance_only_and_the_take_fences_the_old_holder()
    {
        var store = await CreateStoreAsync();
        await store.TryAcquireLeaseAsync("instance:a", "a", LeaseTime);
        await store.TryAcquireLeaseAsync("instance:b", "b", TimeSpan.FromSeconds(60));
        await store.SaveAsync(Record("order-1", 1) with { LeaseHolder = "instance:a" }, 0);
        await store.SaveAsync(Record("order-1", 2, CheckoutState.WaitingForCustomer), 1);

        var whileAlive = await store.TryTakeCheckoutAsync("order-1", "instance:b");
        var ownTake = await store.TryTakeCheckoutAsync("order-1", "instance:a");
        Clock.Advance(LeaseTime);
        var taken = await store.TryTakeCheckoutAsync("order-1", "instance:b");
        var again = await store.TryTakeCheckoutAsync("order-1", "instance:b");
        var backFromTheDead = await store.TryTakeCheckoutAsync("order-1", "instance:a");

        Assert.Null(whileAlive);
        Assert.Equal(("instance:a", 2L), (ownTake!.LeaseHolder, ownTake.Version));
        Assert.Equal(("instance:b", 3L), (taken!.LeaseHolder, taken.Version));
        Assert.Equal(3L, again!.Version);
        Assert.Null(backFromTheDead);

        // The fencing token: the old holder's next save names version 2 and is refused.
        var fenced = await Assert.ThrowsAsync<CheckoutConcurrencyException>(async () => await store.SaveAsync(Record("order-1", 3, CheckoutState.Canceling), 2));
        Assert.Equal(3L, fenced.ActualVersion);

        // The new holder's saves keep the lease.
        await store.SaveAsync(Record("order-1", 4, CheckoutState.Canceled), 3);
        Assert.Equal(("instance:b", 4L), ((await store.LoadAsync("order-1"))!.LeaseHolder, (await store.LoadAsync("order-1"))!.Version));
        Assert.Null(await store.TryTakeCheckoutAsync("order-9", "instance:b"));
    }

    [Fact]
    public async Task A_released_checkout_is_free_for_any_instance_and_a_release_by_another_does_nothing()
    {
        var store = await CreateStoreAsync();
        await store.TryAcquireLeaseAsync("instance:a", "a", LeaseTime);
        await store.TryAcquireLeaseAsync("instance:b", "b", LeaseTime);
        await store.SaveAsync(Record("order-1", 1, CheckoutState.Authorized) with { LeaseHolder = "instance:a" }, 0);

        await store.ReleaseCheckoutAsync("order-1", "instance:b");
        var stillA = await store.TryTakeCheckoutAsync("order-1", "instance:b");
        await store.ReleaseCheckoutAsync("order-1", "instance:a");
        var released = await store.LoadAsync("order-1");
        var taken = await store.TryTakeCheckoutAsync("order-1", "instance:b");

        Assert.Null(stillA);
        Assert.Equal((null, 1L), (released!.LeaseHolder, released.Version));
        Assert.Equal(("instance:b", 2L), (taken!.LeaseHolder, taken.Version));
    }

    [Fact]
    public async Task Eight_instances_racing_to_take_a_dead_instances_checkout_leave_one_holder()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync(Record("order-1", 1) with { LeaseHolder = "instance:dead" }, 0);
        for (var i = 0; i < 8; i++)
        {
            await store.TryAcquireLeaseAsync($"instance:{i}", $"{i}", LeaseTime);
        }

        var takes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () => await store.TryTakeCheckoutAsync("order-1", $"instance:{i}"))));

        var winner = Assert.Single(takes, t => t is not null);
        Assert.Equal(2L, winner!.Version);
        Assert.Equal(winner.LeaseHolder, (await store.LoadAsync("order-1"))!.LeaseHolder);
    }

    private static async Task<List<string>> Ids(IAsyncEnumerable<CheckoutRecord> records)
    {
        var ids = new List<string>();
        await foreach (var record in records)
        {
            ids.Add(record.CheckoutId);
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }
}
