using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Simulation.Tests.Simulation;

/// <summary>The world's record of one sale: what the POS asked and what the kit told it.</summary>
internal sealed class SimCheckout(PlannedCheckout plan, CheckoutRequest request)
{
    public PlannedCheckout Plan { get; } = plan;

    public CheckoutRequest Request { get; } = request;

    public string Id => Request.CheckoutId;

    public bool Started { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The handle of the current process (replaced after a restart).</summary>
    public CheckoutHandle? Handle { get; set; }

    /// <summary>Every final result the kit reported for it (one per process that saw it end; they must agree).</summary>
    public List<CheckoutResult> Results { get; } = [];

    public CheckoutResult? Result => Results.Count == 0 ? null : Results[^1];

    /// <summary>The store lost its record (a simulated lost write): the reconciler must deal with its PaymentIntent.</summary>
    public bool Lost { get; set; }

    public bool CancelSent { get; set; }

    public int RetriesSent { get; set; }

    public bool AwaitingRetryHandled { get; set; }

    /// <summary>Where the cashier is in the after-sale steps (capture/void, then refunds).</summary>
    public int FollowUpStep { get; set; }

    public bool FollowUpScheduled { get; set; }

    /// <summary>The POS has nothing more to do with it.</summary>
    public bool Done { get; set; }

    public List<SimOperation> Operations { get; } = [];
}

/// <summary>One request the POS made on a checkout, and what the kit answered.</summary>
internal sealed class SimOperation(CheckoutOperation kind, long? amount, Task<CheckoutOperationResult> task, int generation)
{
    public CheckoutOperation Kind { get; } = kind;

    public long? Amount { get; } = amount;

    public Task<CheckoutOperationResult> Task { get; } = task;

    public int Generation { get; } = generation;

    /// <summary>The process that was asked died before answering.</summary>
    public bool LostToCrash { get; set; }
}
