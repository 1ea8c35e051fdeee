namespace StripeTerminalKit.Polling;

/// <summary>
/// How often the kit reads a reader whose customer it waits for: every default pace and the one rule
/// between them, in one place. The public knobs take their defaults from here
/// (<see cref="StripeTerminalOptions.ReaderPollInterval"/>, and the poll intervals of
/// <see cref="Checkout.StripeTerminalCheckoutOptions"/>), and so does the checkout machine. Stripe
/// publishes no poll interval; these are reasoned defaults. The Polling README says which governs what.
/// </summary>
internal static class PollingDefaults
{
    /// <summary>
    /// A waiting checkout while webhooks are healthy: a slow safety net
    /// (<see cref="Checkout.StripeTerminalCheckoutOptions.SafetyNetPollInterval"/>).
    /// </summary>
    public static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waiting checkouts while webhooks are down or disabled: their readers are listed in one round
    /// this often (<see cref="Checkout.StripeTerminalCheckoutOptions.BatchPollInterval"/>).
    /// </summary>
    public static readonly TimeSpan Batch = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A waiting checkout reading its reader alone (batching off, or a reader no list shows) while
    /// webhooks are down or disabled, in the first minute of the wait
    /// (<see cref="Checkout.StripeTerminalCheckoutOptions.PollInterval"/>).
    /// </summary>
    public static readonly TimeSpan SingleRead = TimeSpan.FromSeconds(2);

    /// <summary>The same reads once the customer has had the first minute: slower, never faster than <see cref="SlowReadAfter"/> says.</summary>
    public static readonly TimeSpan SlowRead = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <see cref="Readers.ITerminalReaders.WaitForActionAsync"/>: one caller waiting for one action
    /// (<see cref="StripeTerminalOptions.ReaderPollInterval"/>, overridden per call by
    /// <see cref="Readers.ReaderActionWaitOptions.PollInterval"/>); and, through the same option, a
    /// checkout's in-person refund whose reader no batch round shows.
    /// </summary>
    public static readonly TimeSpan ActionWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The pace of a checkout's single reads after the first minute: <see cref="SlowRead"/>, or the
    /// configured single-read pace when that is slower (slowing down never reads faster).
    /// </summary>
    /// <param name="singleRead">The configured single-read pace (<see cref="Checkout.StripeTerminalCheckoutOptions.PollInterval"/>).</param>
    public static TimeSpan SlowReadAfter(TimeSpan singleRead) => singleRead > SlowRead ? singleRead : SlowRead;
}
