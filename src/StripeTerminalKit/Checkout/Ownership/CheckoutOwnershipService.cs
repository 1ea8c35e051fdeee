using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Checkout.Runtime;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// Ownership of checkouts across server instances (see the folder's README): keeps this
/// instance's lease alive, stops its runners when it cannot (self-fencing), stops a runner whose
/// checkout another instance took, and takes over and resumes the checkouts of dead instances.
/// </summary>
internal sealed partial class CheckoutOwnershipService(TerminalCheckout checkout, ILogger logger) : BackgroundService
{
    private DateTimeOffset? _renewedAt;

    /// <summary>How often the lease is renewed and the store scanned: a quarter of the lease, so a dead instance's checkouts are taken within 1¼ leases.</summary>
    internal TimeSpan Period => checkout.LeaseDuration / 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, checkout.Time);
        do
        {
            try
            {
                await MaintainAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a store that is down now must not stop the next round
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // A clean stop: this instance's runners stop, then its lease ends now, so another instance
        // takes its checkouts at its next round instead of after the lease.
        FenceAll();
        try
        {
            await checkout.Store.ReleaseLeaseAsync(checkout.LeaseName, checkout.InstanceId, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the lease then simply expires
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogRoundFailed(logger, exception);
        }
    }

    /// <summary>One round: renew the lease, fence what was taken, take over what was left.</summary>
    internal async Task MaintainAsync(CancellationToken cancellationToken)
    {
        var store = checkout.Store;
        var asked = checkout.Time.GetUtcNow();
        StoreLease? lease;
        try
        {
            lease = await store.TryAcquireLeaseAsync(checkout.LeaseName, checkout.InstanceId, checkout.LeaseDuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Not renewed: once the lease may have run out, others may take the checkouts, so this
            // instance stops driving them (its runners would be fenced by their next save anyway).
            if (_renewedAt is { } renewed && asked - renewed >= checkout.LeaseDuration * 0.75)
            {
                LogSelfFenced(logger, checkout.InstanceId);
                FenceAll();
            }

            throw;
        }

        if (lease is null)
        {
            // Another live process holds this instance's name: two owners of the same checkouts.
            LogDuplicateInstance(logger, checkout.InstanceId);
            FenceAll();
            return;
        }

        // Joining: the first round, or the first after a gap long enough for the others to have
        // counted this instance out (its lease may have run out) and grown their shares.
        var joined = _renewedAt is not { } last || asked - last >= checkout.LeaseDuration;
        _renewedAt = asked;
        var live = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var other in store.ListLeasesAsync(TerminalCheckout.InstanceLeasePrefix, cancellationToken).ConfigureAwait(false))
        {
            live.Add(other.Name);
        }

        live.Add(checkout.LeaseName);
        ShareBudgets(live.Count, joined, asked);
        var adopt = new List<CheckoutRequest>();
        var mine = checkout.Runners.ToDictionary(r => r.CheckoutId, StringComparer.Ordinal);
        await foreach (var record in store.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false))
        {
            if (mine.TryGetValue(record.CheckoutId, out var runner))
            {
                if (record.LeaseHolder is { } holder && holder != checkout.LeaseName)
                {
                    checkout.Fence(runner);
                }
            }
            else if (record.LeaseHolder is null || !live.Contains(record.LeaseHolder) || record.LeaseHolder == checkout.LeaseName)
            {
                adopt.Add(CheckoutStateSerializer.Deserialize(record.StateJson).Request);
            }
        }

        foreach (var request in adopt)
        {
            try
            {
                await checkout.StartAsync(request, cancellationToken).ConfigureAwait(false);
                LogTakenOver(logger, request.CheckoutId, checkout.InstanceId);
            }
            catch (CheckoutConcurrencyException)
            {
                // Another instance took it first.
            }
        }
    }

    /// <summary>
    /// Splits the account's polling budget over the live instances. Joining a farm already running,
    /// this instance polls only once every other instance has had a round (a period, plus slack
    /// for the round itself) to see its lease and shrink its own share.
    /// </summary>
    private void ShareBudgets(int liveInstances, bool joined, DateTimeOffset asked)
    {
        DateTimeOffset? holdUntil = joined && liveInstances > 1 ? asked + (Period * 1.5) : null;
        if (checkout.Budgets.Apply(liveInstances, holdUntil) || holdUntil is not null)
        {
            LogRequestBudgetShared(logger, liveInstances, checkout.Budgets.RequestsPerSecond, holdUntil);
        }
    }

    private void FenceAll()
    {
        foreach (var runner in checkout.Runners.ToArray())
        {
            checkout.Fence(runner);
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Checkout {CheckoutId} taken over by instance {InstanceId} and resumed from Stripe's state")]
    private static partial void LogTakenOver(ILogger logger, string checkoutId, string instanceId);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "Instance {InstanceId} could not renew its lease in time: its checkouts stop here and go to another instance")]
    private static partial void LogSelfFenced(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Error, Message = "Another live process holds the instance name {InstanceId}: give every instance its own StripeTerminalCheckoutOptions.InstanceId; this one drives nothing until the name is free")]
    private static partial void LogDuplicateInstance(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Information, Message = "Polling budget shared by {Instances} live instances: {RequestsPerSecond} reads/s per endpoint here (first poll not before {HoldUntil})")]
    private static partial void LogRequestBudgetShared(ILogger logger, int instances, double requestsPerSecond, DateTimeOffset? holdUntil);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Ownership round failed (the checkout store may be unreachable); the next round retries")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
