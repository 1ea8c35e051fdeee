namespace StripeTerminalKit.Checkout;

/// <summary>Timing of the checkout machine. Stripe publishes no poll interval; these are reasoned defaults.</summary>
internal sealed record CheckoutMachineOptions
{
    public static CheckoutMachineOptions Default { get; } = new();

    /// <summary>Reader poll interval during the first <see cref="PollFastWindow"/> of a wait (customers usually tap within it).</summary>
    public TimeSpan PollInterval { get; init; } = Polling.PollingDefaults.SingleRead;

    /// <summary>How long after handing the payment to the reader polling stays at <see cref="PollInterval"/>.</summary>
    public TimeSpan PollFastWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Reader poll interval after <see cref="PollFastWindow"/>.</summary>
    public TimeSpan PollSlowInterval { get; init; } = Polling.PollingDefaults.SlowRead;

    /// <summary>Poll interval while cancelling (waiting on an authorisation in progress).</summary>
    public TimeSpan EndingPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long to wait for an authorisation in progress after <c>cancel_action</c> answered
    /// <c>terminal_reader_busy</c>, before cancelling the PaymentIntent directly.
    /// </summary>
    public TimeSpan CancelBusyGrace { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Time allowed to settle once a checkout starts ending (deadline, cancel, failure), and for a
    /// capture, void or refund. When it runs out, the result is NeedsAttention with the exact reason.
    /// </summary>
    public TimeSpan SettleGrace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>An answer not received after this long is treated as lost (an ambiguous outcome).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>First delay before repeating a failed call; doubles up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between repeats of a failed call.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Delay before the <paramref name="retry"/>-th repeat (0-based).</summary>
    public TimeSpan RetryDelay(int retry)
    {
        var ticks = RetryBaseDelay.Ticks << Math.Min(retry, 16);
        return ticks <= 0 || ticks > RetryMaxDelay.Ticks ? RetryMaxDelay : TimeSpan.FromTicks(ticks);
    }
}
