namespace StripeTerminalKit.Samples.ConsoleApp;

/// <summary>What the sample runs: parsed from the command line by <see cref="CommandLine"/>.</summary>
public sealed record SampleOptions
{
    /// <summary>Sale amount in AUD cents; null takes the default café cart (A$17.50).</summary>
    public long? Amount { get; init; }

    /// <summary>The card the simulated customer taps: a name from <see cref="SampleCards"/> or a test card number.</summary>
    public string Card { get; init; } = "visa";

    /// <summary>The tip the customer adds on the reader, in cents.</summary>
    public long Tip { get; init; } = 200;

    /// <summary>How long the customer takes to tap.</summary>
    public TimeSpan TapAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>When set, the cashier cancels this long after the start (and the customer never taps).</summary>
    public TimeSpan? CancelAfter { get; init; }

    /// <summary>collect_payment_method then confirm_payment_intent instead of one process_payment_intent.</summary>
    public bool TwoStep { get; init; }

    /// <summary>Authorise only, then capture explicitly (instead of the country default).</summary>
    public bool ManualCapture { get; init; }

    /// <summary>A named scenario.</summary>
    public SampleScenario Scenario { get; init; } = SampleScenario.Pay;
}

/// <summary>The named scenarios of the console sample.</summary>
public enum SampleScenario
{
    /// <summary>A normal payment.</summary>
    Pay = 0,

    /// <summary>The first card is declined (insufficient funds); the cashier retries and a second card pays.</summary>
    DeclineThenSecondCard,

    /// <summary>The customer presses cancel on the reader.</summary>
    CustomerCancel,

    /// <summary>The reader is offline when the payment starts.</summary>
    ReaderOffline,

    /// <summary>A payment, then a full refund.</summary>
    Refund,
}

/// <summary>Process exit codes: one per outcome, so scripts can branch on them.</summary>
public static class ExitCodes
{
    /// <summary>The customer paid (and, for the refund scenario, was refunded).</summary>
    public const int Paid = 0;

    /// <summary>Something unexpected went wrong.</summary>
    public const int Error = 1;

    /// <summary>The card was declined.</summary>
    public const int Declined = 2;

    /// <summary>The checkout was cancelled (cashier, customer or deadline).</summary>
    public const int Canceled = 3;

    /// <summary>The checkout failed (reader offline, busy, refused request).</summary>
    public const int Failed = 4;

    /// <summary>The outcome needs a person to look at it.</summary>
    public const int NeedsAttention = 5;

    /// <summary>Bad command-line usage.</summary>
    public const int Usage = 64;

    /// <summary>Refused configuration: a live Stripe key, or a scenario that needs the emulator.</summary>
    public const int Config = 78;
}
