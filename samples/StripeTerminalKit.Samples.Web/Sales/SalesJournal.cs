using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Samples.Web.Sales;

/// <summary>
/// The host's own record of the sales its POS devices started: the cart and the captures and
/// refunds made afterwards, shown next to the kit's checkout. It decides nothing: who owns a
/// checkout is read from the kit's stored checkout (<see cref="CheckoutSnapshot.Owner"/>) on every
/// request, so a sale leaving the journal changes no one's access to it. In memory and bounded:
/// at most <see cref="KeptPerDevice"/> sales per device and <see cref="KeptOverall"/> in all
/// (when full, the busiest device gives up its oldest sale, so busy tills never push a quiet
/// till's sales out). A real host keeps this in its database.
/// </summary>
public sealed class SalesJournal
{
    /// <summary>Sales kept per device.</summary>
    public const int KeptPerDevice = 200;

    /// <summary>Sales kept in all.</summary>
    public const int KeptOverall = 5_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Sale> _sales = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<string>> _orderByDevice = new(StringComparer.Ordinal);

    /// <summary>How many sales the journal holds.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _sales.Count;
            }
        }
    }

    /// <summary>Records a sale, or returns the one already recorded under its checkout id.</summary>
    public Sale Add(Sale sale)
    {
        ArgumentNullException.ThrowIfNull(sale);
        lock (_gate)
        {
            if (_sales.TryGetValue(sale.CheckoutId, out var stored))
            {
                return stored;
            }

            _sales[sale.CheckoutId] = sale;
            if (!_orderByDevice.TryGetValue(sale.DeviceId, out var order))
            {
                _orderByDevice[sale.DeviceId] = order = new Queue<string>();
            }

            order.Enqueue(sale.CheckoutId);
            if (order.Count > KeptPerDevice)
            {
                _sales.Remove(order.Dequeue());
            }

            while (_sales.Count > KeptOverall)
            {
                var busiest = _orderByDevice.MaxBy(d => d.Value.Count).Value;
                _sales.Remove(busiest.Dequeue());
            }

            return sale;
        }
    }

    /// <summary>The sale with this checkout id, when <paramref name="deviceId"/> started it.</summary>
    public Sale? Find(string checkoutId, string deviceId)
    {
        lock (_gate)
        {
            return _sales.TryGetValue(checkoutId, out var sale) && sale.DeviceId == deviceId ? sale : null;
        }
    }

    /// <summary>The device's most recent sales, newest first.</summary>
    public IReadOnlyList<Sale> Recent(string deviceId, int count)
    {
        lock (_gate)
        {
            return _orderByDevice.TryGetValue(deviceId, out var order)
                ? [.. order.Reverse().Take(count).Select(id => _sales[id])]
                : [];
        }
    }
}

/// <summary>One sale started by a POS device.</summary>
public sealed class Sale
{
    private readonly Lock _gate = new();
    private readonly List<CheckoutOperationResult> _operations = [];
    private int _attempts;

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

    /// <summary>Counts an operation about to be tried; false once <paramref name="max"/> were (the sale takes no more).</summary>
    public bool TryBeginOperation(int max)
    {
        lock (_gate)
        {
            if (_attempts >= max)
            {
                return false;
            }

            _attempts++;
            return true;
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
