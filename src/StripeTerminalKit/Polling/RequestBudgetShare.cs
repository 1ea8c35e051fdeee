namespace StripeTerminalKit.Polling;

/// <summary>
/// The account's request budgets, one per endpoint the checkouts call, split evenly over the live
/// instances of a farm so the farm together never calls an account harder than one instance may:
/// reads at <see cref="Checkout.StripeTerminalCheckoutOptions.PollRequestsPerSecond"/>, writes at
/// <see cref="Checkout.StripeTerminalCheckoutOptions.WriteRequestsPerSecond"/>. The ownership round
/// tells it how many instances hold a live lease; a dead instance's share returns to the others
/// once its lease runs out.
/// </summary>
/// <remarks>
/// Shrinking is safe at once; growing is only safe when the others have shrunk. So an instance
/// that joins a farm already running holds its polls until every other instance has had a round
/// to see it (<see cref="Apply"/>'s <c>holdUntil</c>); until then the others' old shares still add
/// up to the whole budget. A departed instance polls no more: a crashed one is gone, a stopped one
/// fenced its runners before ending its lease, and one cut off from the store fenced its runners
/// at ¾ of its lease, before the others could count it out.
/// </remarks>
internal sealed class RequestBudgetShare
{
    private readonly Lock _gate = new();
    private readonly double _accountRate;
    private readonly int _accountBurst;
    private readonly int _accountWrites;
    private readonly PollBudget[] _reads;
    private readonly PollBudget[] _writes;

    /// <param name="accountRate">Reads per second per endpoint for the whole account.</param>
    /// <param name="accountBurst">Reads that may go at once after a quiet spell.</param>
    /// <param name="time">The clock.</param>
    /// <param name="accountWrites">The most writes to one endpoint in any second, for the whole account.</param>
    public RequestBudgetShare(double accountRate, int accountBurst, TimeProvider time, int accountWrites = WriteDefaults.RequestsPerSecond)
    {
        _accountRate = accountRate;
        _accountBurst = accountBurst;
        _accountWrites = accountWrites;
        Readers = new PollBudget(accountRate, accountBurst, time);
        PaymentIntents = new PollBudget(accountRate, accountBurst, time);
        ReaderLists = new PollBudget(accountRate, accountBurst, time);
        Creates = PollBudget.PerSecond(accountWrites, time);
        ReaderActions = PollBudget.PerSecond(accountWrites, time);
        Captures = PollBudget.PerSecond(accountWrites, time);
        OtherWrites = PollBudget.PerSecond(accountWrites, time);
        _reads = [Readers, PaymentIntents, ReaderLists];
        _writes = [Creates, ReaderActions, Captures, OtherWrites];
    }

    /// <summary>Reads of one reader (<c>GET /v1/terminal/readers/{id}</c>).</summary>
    public PollBudget Readers { get; }

    /// <summary>Reads of one PaymentIntent: the read that decides an outcome never queues behind reader polls.</summary>
    public PollBudget PaymentIntents { get; }

    /// <summary>Batched reads (<c>GET /v1/terminal/readers</c>, a page of 100 readers).</summary>
    public PollBudget ReaderLists { get; }

    /// <summary>
    /// <c>POST /v1/payment_intents</c>. Writes are paced per endpoint too: the authorisations of a
    /// busy second reach the capture together, and Stripe answers the 26th request of a second on
    /// one endpoint with 429 (latency-model fleet run, issue 17).
    /// </summary>
    public PollBudget Creates { get; }

    /// <summary>The reader actions that start a payment (<c>process_payment_intent</c>, <c>collect_payment_method</c>, <c>confirm_payment_intent</c>), paced as one.</summary>
    public PollBudget ReaderActions { get; }

    /// <summary><c>POST /v1/payment_intents/{id}/capture</c>.</summary>
    public PollBudget Captures { get; }

    /// <summary>Every other write a checkout makes (cancel, refund, the cart display, the receipt-email form and its save), paced as one.</summary>
    public PollBudget OtherWrites { get; }

    /// <summary>How many live instances the budget is split over, as last applied.</summary>
    public int Instances { get; private set; } = 1;

    /// <summary>This instance's reads per second on each endpoint.</summary>
    public double RequestsPerSecond => _accountRate / Instances;

    /// <summary>
    /// Splits the budget over <paramref name="liveInstances"/> (this one included). With
    /// <paramref name="holdUntil"/>, no poll goes before then (this instance has just joined).
    /// Returns whether the share changed.
    /// </summary>
    public bool Apply(int liveInstances, DateTimeOffset? holdUntil)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(liveInstances);
        lock (_gate)
        {
            var changed = liveInstances != Instances;
            Instances = liveInstances;
            if (changed)
            {
                foreach (var budget in _reads)
                {
                    budget.SetRate(_accountRate / liveInstances, Math.Max(1, _accountBurst / liveInstances));
                }

                foreach (var budget in _writes)
                {
                    budget.SetRate(Math.Max(1, _accountWrites / liveInstances), 1);
                }
            }

            if (holdUntil is { } until)
            {
                foreach (var budget in _reads.Concat(_writes))
                {
                    budget.HoldUntil(until);
                }
            }

            return changed;
        }
    }
}

/// <summary>
/// The default limit on a checkout's writes per endpoint, across a farm: Stripe allows 25 requests
/// a second per endpoint; 20 leaves room for the application's own calls on the same account.
/// </summary>
internal static class WriteDefaults
{
    /// <summary>The most writes to one endpoint in any second.</summary>
    public const int RequestsPerSecond = 20;
}
