using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StripeTerminalKit.Checkout;

/// <summary>Runs the reconciler at start-up and then every <see cref="CheckoutReconcilerOptions.Interval"/>.</summary>
internal sealed partial class CheckoutReconcilerService(ICheckoutReconciler reconciler, TimeProvider time, CheckoutReconcilerOptions options, ILogger<CheckoutReconcilerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval, time);
        do
        {
            try
            {
                await reconciler.ReconcileAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // one failed pass (Stripe down) must not stop the next one
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogPassFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "Reconciler pass failed; the next pass retries")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
