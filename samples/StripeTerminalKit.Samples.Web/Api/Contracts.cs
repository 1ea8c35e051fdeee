using StripeTerminalKit.Checkout;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Samples.Web.Sales;

namespace StripeTerminalKit.Samples.Web.Api;

/// <summary>Starts a checkout: <c>POST /api/checkouts</c>. Amounts are in minor units (cents).</summary>
/// <param name="CheckoutId">Your order reference. Sending the same id again returns the same checkout and never charges twice; omitted, the server makes one.</param>
/// <param name="ReaderId">The reader (<c>tmr_…</c>) from <c>GET /api/readers</c>.</param>
/// <param name="Amount">The amount to charge, excluding any tip chosen on the reader.</param>
/// <param name="Currency">Three-letter currency code; defaults to the shop's.</param>
/// <param name="Lines">Cart lines shown on the reader; when given they must add up to <paramref name="Amount"/>.</param>
/// <param name="CaptureMode"><c>automatic</c> (default: charged when approved) or <c>manual</c> (authorise, capture later).</param>
/// <param name="Flow"><c>one_step</c> (default) or <c>two_step</c> (collect, then confirm).</param>
/// <param name="SkipTipping">Skip the tip screen on the reader.</param>
/// <param name="Description">Shown in the Stripe Dashboard.</param>
/// <param name="CollectReceiptEmail">Ask the customer on the reader for an email address for Stripe's receipt before the payment (they may skip it).</param>
public sealed record StartCheckoutRequest(
    string? CheckoutId,
    string? ReaderId,
    long? Amount,
    string? Currency = null,
    IReadOnlyList<CartLineRequest>? Lines = null,
    string? CaptureMode = null,
    string? Flow = null,
    bool SkipTipping = false,
    string? Description = null,
    bool CollectReceiptEmail = false);

/// <summary>One cart line.</summary>
/// <param name="Description">What the customer sees.</param>
/// <param name="UnitAmount">Price of one, in minor units.</param>
/// <param name="Quantity">How many.</param>
public sealed record CartLineRequest(string? Description, long UnitAmount, int Quantity = 1);

/// <summary>An amount for a capture or a refund; omitted means everything (capturable or left to refund).</summary>
/// <param name="Amount">In minor units.</param>
public sealed record AmountRequest(long? Amount);

/// <summary>A checkout as a POS device sees it.</summary>
public sealed record CheckoutView
{
    /// <summary>The order reference.</summary>
    public required string CheckoutId { get; init; }

    /// <summary>The reader.</summary>
    public required string ReaderId { get; init; }

    /// <summary>The amount asked for, excluding tip.</summary>
    public required long Amount { get; init; }

    /// <summary>The currency.</summary>
    public required string Currency { get; init; }

    /// <summary>Where the checkout stands (snake_case <see cref="CheckoutState"/>).</summary>
    public required CheckoutState State { get; init; }

    /// <summary>Whether the final result is known.</summary>
    public bool Completed => State.IsCompleted();

    /// <summary>The PaymentIntent, once created.</summary>
    public string? PaymentIntentId { get; init; }

    /// <summary>The result's kind, once completed.</summary>
    public CheckoutOutcome? Outcome { get; init; }

    /// <summary>Tip chosen on the reader.</summary>
    public long TipAmount { get; init; }

    /// <summary>Amount captured so far.</summary>
    public long AmountCaptured { get; init; }

    /// <summary>Amount refunded so far.</summary>
    public long AmountRefunded { get; init; }

    /// <summary>The card, once paid.</summary>
    public CardView? Card { get; init; }

    /// <summary>The EMV fields a custom receipt must print, once paid (null when Stripe sent none).</summary>
    public Payments.CardReceipt? Receipt { get; init; }

    /// <summary>Why it did not pay: a decline code, a failure reason, who cancelled, or what needs attention.</summary>
    public string? Reason { get; init; }

    /// <summary>How many cards were tried.</summary>
    public int Attempts { get; init; }

    /// <summary>The cart.</summary>
    public IReadOnlyList<CartLineRequest> Lines { get; init; } = [];

    /// <summary>Captures and refunds after completion.</summary>
    public IReadOnlyList<OperationView> Operations { get; init; } = [];

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    internal static CheckoutView From(CheckoutSnapshot snapshot, CheckoutResult? result, Sale? sale)
    {
        var operations = sale?.Operations ?? [];
        var captured = result is CheckoutSucceeded s ? s.AmountCaptured : 0;
        captured += operations.Where(o => o.Operation == CheckoutOperation.Capture && o.Status == CheckoutOperationStatus.Succeeded).Sum(o => o.Amount);
        var refunded = operations.Where(o => o.Operation == CheckoutOperation.Refund && o.Status == CheckoutOperationStatus.Succeeded).Sum(o => o.Amount);
        return new CheckoutView
        {
            CheckoutId = snapshot.CheckoutId,
            ReaderId = snapshot.ReaderId,
            Amount = snapshot.Amount,
            Currency = snapshot.Currency,
            State = snapshot.State,
            PaymentIntentId = snapshot.PaymentIntentId,
            Outcome = result?.Outcome,
            TipAmount = (result as CheckoutSucceeded)?.TipAmount ?? 0,
            AmountCaptured = captured,
            AmountRefunded = refunded,
            Card = result is CheckoutSucceeded paid ? new CardView(paid.CardBrand, paid.Last4, paid.Network) : null,
            Receipt = (result as CheckoutSucceeded)?.Receipt,
            Reason = result switch
            {
                CheckoutDeclined d => d.DeclineCode,
                CheckoutFailed f => f.Code is null ? Snake(f.Reason.ToString()) : $"{Snake(f.Reason.ToString())}: {f.Code}",
                CheckoutCanceled c => "canceled_by_" + Snake(c.CanceledBy.ToString()),
                CheckoutNeedsAttention n => Snake(n.Reason.ToString()),
                _ => null,
            },
            Attempts = result?.Attempts ?? 0,
            Lines = sale?.Lines.Select(l => new CartLineRequest(l.Description, l.Amount, l.Quantity)).ToArray() ?? [],
            Operations = [.. operations.Select(OperationView.From)],
            UpdatedAt = snapshot.UpdatedAt,
        };
    }

    private static string Snake(string pascal) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(pascal);
}

/// <summary>The card that paid.</summary>
/// <param name="Brand">e.g. <c>visa</c>, <c>eftpos_au</c>.</param>
/// <param name="Last4">Last four digits.</param>
/// <param name="Network">The network that processed it.</param>
public sealed record CardView(string? Brand, string? Last4, string? Network);

/// <summary>The answer to a cancel, retry, capture or refund.</summary>
/// <param name="Operation">What was asked.</param>
/// <param name="Status">What came of it.</param>
/// <param name="Amount">Amount captured or refunded.</param>
/// <param name="RefundId">The refund, when one was made.</param>
/// <param name="Rejection">Why it was refused.</param>
/// <param name="Code">Stripe's error code, when Stripe refused it.</param>
public sealed record OperationView(CheckoutOperation Operation, CheckoutOperationStatus Status, long Amount, string? RefundId, CheckoutOperationRejection? Rejection, string? Code)
{
    internal static OperationView From(CheckoutOperationResult r) => new(r.Operation, r.Status, r.Amount, r.RefundId, r.Rejection, r.Code);
}

/// <summary>A reader as the POS sees it.</summary>
/// <param name="Id">The reader id.</param>
/// <param name="Label">Its label.</param>
/// <param name="DeviceType">e.g. <c>simulated_stripe_s700</c>.</param>
/// <param name="Status"><c>online</c>, <c>offline</c> or <c>unknown</c>.</param>
/// <param name="Action">The action it is running, if any.</param>
/// <param name="ActionStatus">That action's status.</param>
/// <param name="Simulated">Whether it is a simulated reader.</param>
public sealed record ReaderView(string Id, string Label, string DeviceType, ReaderNetworkStatus Status, string? Action, string? ActionStatus, bool Simulated)
{
    internal static ReaderView From(TerminalReader r) =>
        new(r.Id, r.Label, r.DeviceType, r.NetworkStatus, r.Action?.StripeType, r.Action?.Status.ToString().ToLowerInvariant(), r.IsSimulated);
}

/// <summary>What the cashier page needs to know about the host and the calling device.</summary>
/// <param name="Shop">The shop's name.</param>
/// <param name="Mode"><c>emulator</c> or <c>stripe_test_mode</c>.</param>
/// <param name="Currency">The shop's currency.</param>
/// <param name="Device">The calling device's name.</param>
/// <param name="Cards">Emulator mode: the cards the customer buttons can tap.</param>
public sealed record SessionView(string Shop, Hosting.HostMode Mode, string Currency, string Device, IReadOnlyList<string> Cards);

/// <summary>The simulated customer's tap: <c>POST /api/emulator/readers/{id}/tap</c>.</summary>
/// <param name="Card">A card name (<c>visa</c>, <c>declined</c>, <c>eftpos</c>, …) or a test card number.</param>
/// <param name="Tip">Tip added on the reader, in minor units.</param>
public sealed record TapRequest(string? Card, long? Tip = null);
