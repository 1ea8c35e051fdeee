using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Polling;

// The pages of a round: which pages to list (per location or across the account, whichever costs
// fewer requests) and reading a chain of pages until every waiting reader it may hold is found.
internal sealed partial class ReaderBatchScheduler
{
    /// <summary>
    /// The pages to read: the waiting readers grouped by the page they were last seen on, per location
    /// or across the account, whichever needs fewer requests (a tie goes to the locations).
    /// </summary>
    private Dictionary<PageKey, PageGroup> Plan(List<Waiter> round)
    {
        lock (_gate)
        {
            var byLocation = Group(round, perLocation: true);
            var byAccount = Group(round, perLocation: false);
            return CostLocked(byAccount) < CostLocked(byLocation) ? byAccount : byLocation;
        }
    }

    private Dictionary<PageKey, PageGroup> Group(List<Waiter> round, bool perLocation)
    {
        var plan = new Dictionary<PageKey, PageGroup>();
        foreach (var waiter in round)
        {
            var scope = perLocation && _locationOf.TryGetValue(waiter.ReaderId, out var location) && location is not null ? location : Account;
            string? cursor = null;
            var known = _pageOf.TryGetValue(scope, out var pages) && pages.TryGetValue(waiter.ReaderId, out cursor);
            var key = new PageKey(scope, cursor);
            if (!plan.TryGetValue(key, out var group))
            {
                plan[key] = group = new PageGroup();
            }

            group.Unplaced |= !known;
            if (!group.Readers.TryGetValue(waiter.ReaderId, out var waiters))
            {
                group.Readers[waiter.ReaderId] = waiters = new List<Waiter>(1);
            }

            waiters.Add(waiter);
        }

        return plan;
    }

    /// <summary>Requests a plan costs: one per known page; readers not placed yet may take every page of their scope.</summary>
    private int Cost(Dictionary<PageKey, PageGroup> plan)
    {
        lock (_gate)
        {
            return CostLocked(plan);
        }
    }

    private int CostLocked(Dictionary<PageKey, PageGroup> plan)
    {
        var cost = 0;
        foreach (var (key, group) in plan)
        {
            cost += group.Unplaced ? Math.Max(1, _pagesInScope.GetValueOrDefault(key.Scope)) : 1;
        }

        return cost;
    }

    /// <summary>
    /// Reads the page after <paramref name="cursor"/> in <paramref name="scope"/>, answering the waiters
    /// it shows, and the following pages while some are not found and more pages follow.
    /// </summary>
    private async Task ReadChainAsync(string scope, string? cursor, Dictionary<string, List<Waiter>> remaining)
    {
        var start = cursor;
        var pages = 0;
        while (true)
        {
            ReaderPage page;
            DateTimeOffset sentAt;
            try
            {
                await _budget.WaitTurnAsync(_work, _stopping).ConfigureAwait(false);
                sentAt = _time.GetUtcNow();
                Interlocked.Increment(ref _listRequests);
                page = await _source.ListPageAsync(new ReaderPageQuery(scope == Account ? null : scope, cursor, ExpandPaymentIntents: true), _stopping).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // the failure is each waiting checkout's to handle (its machine retries the read)
            catch (Exception exception)
#pragma warning restore CA1031
            {
                foreach (var waiters in remaining.Values)
                {
                    foreach (var waiter in waiters)
                    {
                        waiter.Fail(exception);
                    }
                }

                return;
            }

            pages++;
            var answeredAt = _time.GetUtcNow();
            foreach (var observed in page.Readers)
            {
                _feed.NoteRead(observed.Reader, observed.PaymentIntent, sentAt, answeredAt);
            }

            lock (_gate)
            {
                if (!_pageOf.TryGetValue(scope, out var pageOf))
                {
                    _pageOf[scope] = pageOf = new Dictionary<string, string?>(StringComparer.Ordinal);
                }

                foreach (var observed in page.Readers)
                {
                    pageOf[observed.Reader.Id] = cursor;
                    _locationOf[observed.Reader.Id] = observed.Reader.LocationId;
                }

                if (start is null && !page.HasMore)
                {
                    _pagesInScope[scope] = pages;
                }
            }

            foreach (var observed in page.Readers)
            {
                if (remaining.Remove(observed.Reader.Id, out var waiters))
                {
                    foreach (var waiter in waiters)
                    {
                        waiter.Answer(observed);
                    }
                }
            }

            if (remaining.Count == 0 || !page.HasMore || page.Readers.Count == 0)
            {
                break;
            }

            cursor = page.Readers[^1].Reader.Id;
        }

        // Not on the pages read: forget where it was and let its checkout read it alone.
        lock (_gate)
        {
            foreach (var readerId in remaining.Keys)
            {
                if (_pageOf.TryGetValue(scope, out var pageOf))
                {
                    pageOf.Remove(readerId);
                }
            }
        }

        foreach (var waiters in remaining.Values)
        {
            foreach (var waiter in waiters)
            {
                waiter.Answer(null);
            }
        }
    }

    /// <summary>A page: its scope (a location id, or empty for the account) and the reader it follows.</summary>
    private readonly record struct PageKey(string Scope, string? Cursor);

    /// <summary>The waiting readers a page should show; unplaced ones may be on any later page.</summary>
    private sealed class PageGroup
    {
        public Dictionary<string, List<Waiter>> Readers { get; } = new(StringComparer.Ordinal);

        public bool Unplaced { get; set; }
    }
}
