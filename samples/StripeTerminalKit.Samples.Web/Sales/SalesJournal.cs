using System.Collections.Concurrent;
using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Samples.Web.Sales;

/// <summary>
/// The host's own record of the sales its POS devices started: which device owns which checkout,
/// the cart, and the captures and refunds made afterwards. The kit's checkout store holds the
/// payment's state; this holds what a shop's back office wants next to it. In memory, like the
/// kit's default store: a real host keeps both in its database.
/// </summary>
public sealed class SalesJournal
{
    /// <summary>Sales kept per device. Per device, not overall: fifty busy tills must never push
    /// another till's running sale out of the journal (its device would then get 404 for it).</summary>
    private const int KeptPerDevice = 200;
    private readonly ConcurrentDictionary<string, Sale> _sales = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _orderByDevice = new(StringComparer.Ordinal);

    /// <summary>Records a sale, or returns the one already recorded under its checkout id.</summary>
    public Sale Add(Sale sale)
    {
        ArgumentNullException.ThrowIfNull(sale);
        var stored = _sales.GetOrAdd(sale.CheckoutId, sale);
        if (ReferenceEquals(stored, sale))
        {
            var order = _orderByDevice.GetOrAdd(sale.DeviceId, _ => new ConcurrentQueue<string>());
            order.Enqueue(sale.CheckoutId);
            while (order.Count > KeptPerDevice && order.TryDequeue(out var oldest))
            {
                _sales.TryRemove(oldest, out _);
            }
        }

        return stored;
    }

    /// <summary>The sale with this checkout id, when <paramref name="deviceId"/> started it.</summary>
    public Sale? Find(string checkoutId, string deviceId) =>
        _sales.TryGetValue(checkoutId, out var sale) && sale.DeviceId == deviceId ? sale : null;

    /// <summary>The device's most recent sales, newest first.</summary>
    public IReadOnlyList<Sale> Recent(string deviceId, int count) =>
        [.. _sales.Values.Where(s => s.DeviceId == deviceId).OrderByDescending(s => s.CreatedAt).Take(count)];

    /// <summary>Whether the checkout id is taken by another device.</summary>
    public bool IsTakenByAnother(string checkoutId, string deviceId) =>
        _sales.TryGetValue(checkoutId, out var sale) && sale.DeviceId != deviceId;
}

/// <summary>One sale started by a POS device.</summary>
public sealed class Sale
{
    private readonly Lock _gate = new();
    private readonly List<CheckoutOperationResult> _operations = [];

    /// <summary>The checkout id (the POS's order reference).</summary>
    public required string CheckoutId { get; init; }

    /// <summary>The device that started it.</summary>
    public required string DeviceId { get; init; }

    /// <summary>The reader taking the payment.</summary>
    public required string ReaderId { get; init; }

    /// <summary>The amount asked for, in minor units.</summary>
    public required long Amount { get; init; }

    /// <summary>The currency.</summary>
    public required string Currency { get; init; }

    /// <summary>The cart lines shown on the reader.</summary>
    public required IReadOnlyList<CheckoutCartLine> Lines { get; init; }

    /// <summary>When it was started.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The captures, voids and refunds made after the checkout completed, in order.</summary>
    public IReadOnlyList<CheckoutOperationResult> Operations
    {
        get
        {
            lock (_gate)
            {
                return [.. _operations];
            }
        }
    }

    /// <summary>Records an operation's result.</summary>
    public void Record(CheckoutOperationResult result)
    {
        lock (_gate)
        {
            _operations.Add(result);
        }
    }
}
