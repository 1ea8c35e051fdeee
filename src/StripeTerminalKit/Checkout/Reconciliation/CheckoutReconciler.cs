using Microsoft.Extensions.Logging;

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
}

/// <summary>What one reconciliation pass did.</summary>
/// <param name="Resumed">Unfinished checkouts resumed from the store.</param>
/// <param name="Captured">Ageing authorisations captured.</param>
/// <param name="Voided">Ageing authorisations voided.</param>
/// <param name="Failed">Settlements Stripe refused or that could not be confirmed (see the logs; retried next pass).</param>
public sealed record ReconciliationReport(int Resumed, int Captured, int Voided, int Failed);

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

internal sealed partial class CheckoutReconciler(ITerminalCheckout checkout, ICheckoutStore store, TimeProvider time, CheckoutReconcilerOptions options, ILogger logger) : ICheckoutReconciler
{
    public async Task<ReconciliationReport> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        var resumed = await checkout.ResumeUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        int captured = 0, voided = 0, failed = 0;
        if (options.UncapturedAuthorizations != AuthorizationSettlement.None)
        {
            var due = new List<string>();
            var now = time.GetUtcNow();
            await foreach (var record in store.ListByStateAsync(CheckoutState.Authorized, cancellationToken).ConfigureAwait(false))
            {
                if (now - record.UpdatedAt >= options.SettleAuthorizationsAfter)
                {
                    due.Add(record.CheckoutId);
                }
            }

            foreach (var id in due)
            {
                var result = options.UncapturedAuthorizations == AuthorizationSettlement.Capture
                    ? await checkout.CaptureAsync(id, null, cancellationToken).ConfigureAwait(false)
                    : await checkout.CancelAsync(id, cancellationToken).ConfigureAwait(false);
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

        var report = new ReconciliationReport(resumed.Count, captured, voided, failed);
        LogPass(logger, report.Resumed, report.Captured, report.Voided, report.Failed);
        return report;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Reconciler: {Operation} of checkout {CheckoutId} ended {Status} ({Code}); retried next pass")]
    private static partial void LogSettlementFailed(ILogger logger, string checkoutId, CheckoutOperation operation, CheckoutOperationStatus status, string? code);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Reconciler pass: {Resumed} resumed, {Captured} captured, {Voided} voided, {Failed} failed")]
    private static partial void LogPass(ILogger logger, int resumed, int captured, int voided, int failed);
}
