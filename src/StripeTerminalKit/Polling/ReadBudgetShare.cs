namespace StripeTerminalKit.Polling;

/// <summary>
/// The account's read budget (<see cref="Checkout.StripeTerminalCheckoutOptions.PollRequestsPerSecond"/>
/// per endpoint) split evenly over the live instances of a farm, so the farm together never
/// polls an account harder than one instance may. The ownership round tells it how many instances
/// hold a live lease; a dead instance's share returns to the others once its lease runs out.
/// </summary>
/// <remarks>
/// Shrinking is safe at once; growing is only safe when the others have shrunk. So an instance
/// that joins a farm already running holds its polls until every other instance has had a round
/// to see it (<see cref="Apply"/>'s <c>holdUntil</c>); until then the others' old shares still add
/// up to the whole budget. A departed instance polls no more: a crashed one is gone, a stopped one
/// fenced its runners before ending its lease, and one cut off from the store fenced its runners
/// at ¾ of its lease, before the others could count it out.
/// </remarks>
internal sealed class ReadBudgetShare
{
    private readonly Lock _gate = new();
    private readonly double _accountRate;
    private readonly int _accountBurst;
    private readonly PollBudget[] _budgets;

    public ReadBudgetShare(double accountRate, int accountBurst, TimeProvider time)
    {
        _accountRate = accountRate;
        _accountBurst = accountBurst;
        Readers = new PollBudget(accountRate, accountBurst, time);
        PaymentIntents = new PollBudget(accountRate, accountBurst, time);
        ReaderLists = new PollBudget(accountRate, accountBurst, time);
        _budgets = [Readers, PaymentIntents, ReaderLists];
    }

    /// <summary>Reads of one reader (<c>GET /v1/terminal/readers/{id}</c>).</summary>
    public PollBudget Readers { get; }

    /// <summary>Reads of one PaymentIntent: the read that decides an outcome never queues behind reader polls.</summary>
    public PollBudget PaymentIntents { get; }

    /// <summary>Batched reads (<c>GET /v1/terminal/readers</c>, a page of 100 readers).</summary>
    public PollBudget ReaderLists { get; }

    /// <summary>How many live instances the budget is split over, as last applied.</summary>
    public int Instances { get; private set; } = 1;

    /// <summary>This instance's polls per second on each endpoint.</summary>
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
            foreach (var budget in _budgets)
            {
                if (changed)
                {
                    budget.SetRate(_accountRate / liveInstances, Math.Max(1, _accountBurst / liveInstances));
                }

                if (holdUntil is { } until)
                {
                    budget.HoldUntil(until);
                }
            }

            return changed;
        }
    }
}
