using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Polling;

/// <summary>
/// One page of <c>GET /v1/terminal/readers</c>: up to 100 readers (of a location, or of the whole
/// account) with their current actions, each action's PaymentIntent expanded when asked for.
/// Implemented by the kit's own <see cref="ITerminalReaders"/>; a substituted module has none, and
/// checkouts then read their readers one by one.
/// </summary>
internal interface IReaderPageSource
{
    /// <summary>Reads one page (one request).</summary>
    Task<ReaderPage> ListPageAsync(ReaderPageQuery query, CancellationToken cancellationToken);
}

/// <summary>What one list request asks for.</summary>
/// <param name="LocationId">Only this location's readers, or null for every reader of the account.</param>
/// <param name="StartingAfter">The page after this reader (<c>starting_after</c>), or null for the first page.</param>
/// <param name="ExpandPaymentIntents">Expand <c>data.action.process_payment_intent.payment_intent</c>.</param>
internal readonly record struct ReaderPageQuery(string? LocationId, string? StartingAfter, bool ExpandPaymentIntents)
{
    /// <summary>The most readers Stripe returns in one page.</summary>
    public const int PageSize = 100;
}

/// <summary>One reader as a page showed it, with its action's PaymentIntent when it was expanded.</summary>
internal sealed record ObservedReader(TerminalReader Reader, TerminalPayment? PaymentIntent);

/// <summary>One page: its readers, newest first as Stripe lists them, and whether more follow.</summary>
internal sealed record ReaderPage(IReadOnlyList<ObservedReader> Readers, bool HasMore);
