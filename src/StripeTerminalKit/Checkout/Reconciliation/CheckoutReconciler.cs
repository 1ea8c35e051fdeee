using Microsoft.Extensions.Logging;
using Stripe;
using StripeTerminalKit.Checkout.Runtime;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Payments;

namespace StripeTerminalKit.Checkout;

/// <summary>What to do with an authorisation nobody captured or voided.</summary>
public enum AuthorizationSettlement
{
    /// <summary>Capture it in full: the sale happened, only the capture was forgotten.</summary>
    Capture = 0,

    /// <summary>Void it: release the customer's funds.</summary>
    Void,

    /// <summary>Leave it; it will expire at the card network (funds held until then).</summary>
    None,
}

/// <summary>How the reconciler settles stuck checkouts and ageing authorisations.</summary>
public sealed class CheckoutReconcilerOptions
{
    /// <summary>What happens to manual-capture checkouts left authorised. Defaults to capturing them.</summary>
    public AuthorizationSettlement UncapturedAuthorizations { get; set; } = AuthorizationSettlement.Capture;

    /// <summary>
    /// How old an authorisation may get before it is settled. Card-present authorisations expire
    /// after 2 days at Stripe; the default settles them half a day before that.
    /// </summary>
    public TimeSpan SettleAuthorizationsAfter { get; set; } = TimeSpan.FromHours(36);

    /// <summary>How often the background service runs a pass.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Void authorisations the kit made for a checkout the store does not know (its record was
    /// lost, or it completed on another PaymentIntent): money held for a sale nobody will finish.
    /// Such a PaymentIntent not yet authorised (its reader may still wait for the card) is canceled
    /// too, so it never will be. On by default.
    /// </summary>
    public bool VoidOrphanAuthorizations { get; set; } = true;

    /// <summary>
    /// How far back the first pass looks for orphan authorisations (later passes look only at
    /// PaymentIntents created since). Defaults to 2 days, the life of a card-present authorisation;
    /// raise it to 31 days if you use extended authorisations.
    /// </summary>
    public TimeSpan OrphanLookback { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// How old a PaymentIntent must be before it can count as an orphan, so that a checkout another
    /// instance is starting right now is never voided under it. Defaults to 5 minutes.
    /// </summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>What one reconciliation pass did.</summary>
/// <param name="Resumed">Unfinished checkouts resumed from the store.</param>
/// <param name="Captured">Ageing authorisations captured.</param>
/// <param name="Voided">Ageing authorisations voided.</param>
/// <param name="OrphansVoided">Authorisations of checkouts the store does not know, voided.</param>
/// <param name="Failed">Settlements Stripe refused or that could not be confirmed (see the logs; retried next pass).</param>
public sealed record ReconciliationReport(int Resumed, int Captured, int Voided, int OrphansVoided, int Failed)
{
    /// <summary>Completed checkouts removed from the store for being older than <see cref="StripeTerminalCheckoutOptions.CompletedRetention"/>.</summary>
    public int Purged { get; init; }

    /// <summary>
    /// True when the pass did nothing because another instance holds the reconciler's leader lease
    /// (one reconciler at a time across a farm sharing a store).
    /// </summary>
    public bool NotLeader { get; init; }

    /// <summary>
    /// Orphan PaymentIntents Stripe refused to void while still open, typically because a reader was
    /// authorising the card at that moment. Not a failure: the next pass voids them. A void refused
    /// on four passes in a row counts as <see cref="Failed"/>.
    /// </summary>
    public int Deferred { get; init; }

}

/// <summary>
/// Settles what a crash or a forgotten capture leaves behind: resumes every unfinished checkout
/// (each re-reads Stripe before acting) and captures or voids authorisations well before they
/// expire. Run it at start-up and periodically (<c>AddCheckoutReconciler</c> does both).
/// </summary>
public interface ICheckoutReconciler
{
    /// <summary>Runs one pass.</summary>
    Task<ReconciliationReport> ReconcileAsync(CancellationToken cancellationToken = default);
}

internal sealed partial class CheckoutReconciler(
    ITerminalCheckout checkout,
    ICheckoutStore store,
    StripeCallExecutor executor,
    ITerminalPayments payments,
    TimeProvider time,
    CheckoutReconcilerOptions options,
    TimeSpan completedRetention,
    ILogger logger,
    string? instanceId = null) : ICheckoutReconciler
{
    /// <summary>The leader lease's name in the store: one reconciler runs at a time across the instances sharing it.</summary>
    internal const string LeaderLease = "reconciler";

    // PaymentIntents created before this instant have been swept for orphans by an earlier pass.
    private DateTimeOffset? _orphansSweptUntil;

    // The key sequence of each orphan's void: it moves on once Stripe stored a failure under the
    // last key, which it would otherwise replay to every later pass (simulation seed 8301).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _orphanVoidAttempts = new(StringComparer.Ordinal);

    // How many passes in a row an open orphan's refused void waits before it counts as failed.
    private const int OrphanVoidDeferrals = 3;

    public async Task<ReconciliationReport> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        // The leader lease outlives two intervals, so a leader renews it at every pass and a dead
        // leader's successor starts within two intervals.
        var holder = instanceId ?? Environment.MachineName;
        var leaderFor = options.Interval * 2 < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : options.Interval * 2;
        if (await store.TryAcquireLeaseAsync(LeaderLease, holder, leaderFor, cancellationToken).ConfigureAwait(false) is null)
        {
            LogNotLeader(logger, holder);
            return new ReconciliationReport(0, 0, 0, 0, 0) { NotLeader = true };
        }

        var resumed = await checkout.ResumeUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        int captured = 0, voided = 0, failed = 0;
        if (options.UncapturedAuthorizations != AuthorizationSettlement.None)
        {
            var due = new List<string>();
            var now = time.GetUtcNow();
            await foreach (var record in store.ListByStateAsync(CheckoutState.Authorized, cancellationToken).ConfigureAwait(false))
            {
                // An automatic_delayed authorisation is Stripe's to capture when its delay ends: voiding
                // it would undo the sale, capturing it would only do early what Stripe will do.
                if (now - record.UpdatedAt >= options.SettleAuthorizationsAfter
                    && CheckoutStateSerializer.Deserialize(record.StateJson).Request.CaptureMode != CheckoutCaptureMode.AutomaticDelayed)
                {
                    due.Add(record.CheckoutId);
                }
            }

            foreach (var id in due)
            {
                CheckoutOperationResult result;
                try
                {
                    result = options.UncapturedAuthorizations == AuthorizationSettlement.Capture
                        ? await checkout.CaptureAsync(id, null, cancellationToken).ConfigureAwait(false)
                        : await checkout.CancelAsync(id, cancellationToken).ConfigureAwait(false);
                }
                catch (CheckoutConcurrencyException)
                {
                    // Another live instance holds it right now: settled at a later pass.
                    failed++;
                    continue;
                }

                if (result.Status == CheckoutOperationStatus.Succeeded)
                {
                    if (options.UncapturedAuthorizations == AuthorizationSettlement.Capture)
                    {
                        captured++;
                    }
                    else
                    {
                        voided++;
                    }
                }
                else
                {
                    failed++;
                    LogSettlementFailed(logger, id, result.Operation, result.Status, result.Code);
                }
            }
        }

        var orphans = 0;
        var deferred = 0;
        if (options.VoidOrphanAuthorizations)
        {
            (orphans, deferred, var orphanFailures) = await VoidOrphansAsync(cancellationToken).ConfigureAwait(false);
            failed += orphanFailures;
        }

        // Retention: completed checkouts leave the store once old enough; nothing unfinished does.
        var purged = await store.PurgeCompletedAsync(time.GetUtcNow() - completedRetention, cancellationToken).ConfigureAwait(false);

        var report = new ReconciliationReport(resumed.Count, captured, voided, orphans, failed) { Purged = purged, Deferred = deferred };
        LogPass(logger, report.Resumed, report.Captured, report.Voided, report.OrphansVoided, report.Failed);
        return report;
    }

    private async Task<(int Voided, int Deferred, int Failed)> VoidOrphansAsync(CancellationToken cancellationToken)
    {
        // The window: from where the last pass stopped (or the lookback) to the grace period ago.
        // Stripe lists newest first; a page boundary moving while we read only means re-reading one.
        var until = time.GetUtcNow() - options.OrphanGracePeriod;
        var from = _orphansSweptUntil ?? time.GetUtcNow() - options.OrphanLookback;
        if (until <= from)
        {
            return (0, 0, 0);
        }

        var list = new PaymentIntentListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = from.UtcDateTime, LessThan = until.UtcDateTime },
            Limit = 100,
        };
        int voided = 0, deferred = 0, failed = 0;
        while (true)
        {
            var page = await executor.ExecuteAsync(
                StripeOperation.PaymentIntentsList,
                null,
                new StripeCallContext(StripeOperation.PaymentIntentsList.Name),
                (client, requestOptions, ct) => client.V1.PaymentIntents.ListAsync(list, requestOptions, ct),
                cancellationToken).ConfigureAwait(false);
            foreach (var intent in page.Data)
            {
                if (IsOpen(intent.Status)
                    && intent.Metadata?.TryGetValue(TerminalCheckout.CheckoutIdMetadataKey, out var checkoutId) == true
                    && await IsOrphanAsync(checkoutId, intent.Id, cancellationToken).ConfigureAwait(false))
                {
                    switch (await TryVoidOrphanAsync(intent.Id, checkoutId, cancellationToken).ConfigureAwait(false))
                    {
                        case OrphanVoid.Voided:
                            voided++;
                            break;
                        case OrphanVoid.Deferred:
                            deferred++;
                            break;
                        case OrphanVoid.Failed:
                            failed++;
                            break;
                    }
                }
            }

            if (!page.HasMore || page.Data.Count == 0)
            {
                break;
            }

            list.StartingAfter = page.Data[^1].Id;
        }

        // Only a pass that read the whole window moves it on (a failed list throws before this),
        // and one whose voids failed or waited reads it again next time.
        if (failed == 0 && deferred == 0)
        {
            _orphansSweptUntil = until;
        }

        return (voided, deferred, failed);
    }

    /// <summary>
    /// Not final yet: authorised, or still able to be. A forgotten sale's PaymentIntent is canceled
    /// whether or not its customer has tapped yet: the sweep reads each creation window once, so an
    /// orphan that was still waiting for its card when its window was read, and authorised after,
    /// would otherwise hold the customer's money for good (simulation seed 38536).
    /// </summary>
    private static bool IsOpen(string status) => IsOpen(PaymentMapping.ParseStatus(status));

    private static bool IsOpen(IntentStatus status) =>
        status is IntentStatus.RequiresCapture or IntentStatus.RequiresPaymentMethod or IntentStatus.RequiresConfirmation
            or IntentStatus.RequiresAction or IntentStatus.Processing;

    /// <summary>No checkout holds it: none by that id, or one that completed on another PaymentIntent.</summary>
    private async Task<bool> IsOrphanAsync(string checkoutId, string paymentIntentId, CancellationToken cancellationToken)
    {
        var record = await store.LoadAsync(checkoutId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return true;
        }

        return record.Completed
            && CheckoutStateSerializer.Deserialize(record.StateJson).PaymentIntentId is { } owned
            && !string.Equals(owned, paymentIntentId, StringComparison.Ordinal);
    }

    private enum OrphanVoid
    {
        Voided,

        // Still open but refused (a reader authorising it): Stripe takes the void once the card's answer is in.
        Deferred,

        // Final by the time the void arrived (canceled elsewhere): nothing left to do.
        Settled,

        Failed,
    }

    private async Task<OrphanVoid> TryVoidOrphanAsync(string paymentIntentId, string checkoutId, CancellationToken cancellationToken)
    {
        try
        {
            // A derived key: a second pass (or another instance) voiding the same orphan is a replay.
            var attempt = _orphanVoidAttempts.GetValueOrDefault(paymentIntentId, 1);
            var callOptions = new TerminalCallOptions { IdempotencyKey = Idempotency.IdempotencyKey.Derive("stk-reconcile-" + paymentIntentId, "void", attempt) };
            await payments.CancelAsync(paymentIntentId, PaymentCancellationReason.Abandoned, callOptions, cancellationToken).ConfigureAwait(false);
            LogOrphanVoided(logger, paymentIntentId, checkoutId);
            _orphanVoidAttempts.TryRemove(paymentIntentId, out _);
            return OrphanVoid.Voided;
        }
        catch (StripeTerminalException exception)
        {
            if (exception.Failure.IsStoredUnderKey)
            {
                _orphanVoidAttempts[paymentIntentId] = _orphanVoidAttempts.GetValueOrDefault(paymentIntentId, 1) + 1;
            }

            // A refused void of a PaymentIntent that is still open: a card authorising on a reader
            // ends in seconds (simulation seed 8301), so it waits for the next pass, a few times.
            if (exception.Failure.Kind == StripeFailureKind.InvalidState
                && await ReadStatusAsync(paymentIntentId, cancellationToken).ConfigureAwait(false) is { } status)
            {
                if (status == IntentStatus.Canceled)
                {
                    _orphanVoidAttempts.TryRemove(paymentIntentId, out _);
                    return OrphanVoid.Settled;
                }

                if (IsOpen(status) && _orphanVoidAttempts.GetValueOrDefault(paymentIntentId, 1) <= OrphanVoidDeferrals + 1)
                {
                    LogOrphanVoidDeferred(logger, paymentIntentId, checkoutId);
                    return OrphanVoid.Deferred;
                }
            }

            LogOrphanVoidFailed(logger, paymentIntentId, checkoutId, exception.ErrorCode);
            return OrphanVoid.Failed;
        }
    }

    /// <summary>The PaymentIntent's status now, or <see langword="null"/> when it cannot be read.</summary>
    private async Task<IntentStatus?> ReadStatusAsync(string paymentIntentId, CancellationToken cancellationToken)
    {
        try
        {
            return (await payments.GetAsync(paymentIntentId, null, cancellationToken).ConfigureAwait(false)).Status;
        }
        catch (StripeTerminalException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 3106, Level = LogLevel.Debug, Message = "Reconciler: another instance holds the leader lease; {InstanceId} skips this pass")]
    private static partial void LogNotLeader(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Reconciler voided orphan authorisation {PaymentIntentId} of checkout {CheckoutId}, which the store does not hold")]
    private static partial void LogOrphanVoided(ILogger logger, string paymentIntentId, string checkoutId);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "Reconciler: Stripe refused to void open orphan {PaymentIntentId} of checkout {CheckoutId} (a reader may be authorising it); retried next pass")]
    private static partial void LogOrphanVoidDeferred(ILogger logger, string paymentIntentId, string checkoutId);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Error, Message = "Reconciler could not void orphan authorisation {PaymentIntentId} of checkout {CheckoutId}: {ErrorCode}; retried next pass")]
    private static partial void LogOrphanVoidFailed(ILogger logger, string paymentIntentId, string checkoutId, string? errorCode);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Reconciler: {Operation} of checkout {CheckoutId} ended {Status} ({Code}); retried next pass")]
    private static partial void LogSettlementFailed(ILogger logger, string checkoutId, CheckoutOperation operation, CheckoutOperationStatus status, string? code);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Reconciler pass: {Resumed} resumed, {Captured} captured, {Voided} voided, {OrphansVoided} orphans voided, {Failed} failed")]
    private static partial void LogPass(ILogger logger, int resumed, int captured, int voided, int orphansVoided, int failed);
}
