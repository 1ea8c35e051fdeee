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

    /// <summary>
    /// Reads one page of the account's reader-action and authorisation events (one
    /// <c>GET /v1/events</c>): the events just newer than <see cref="ReaderEventQuery.EndingBefore"/>,
    /// or the newest when it is null.
    /// </summary>
    Task<ReaderEventPage> ListEventsAsync(ReaderEventQuery query, CancellationToken cancellationToken);
}

/// <summary>What one events request asks for.</summary>
/// <param name="EndingBefore">Only events newer than this one (<c>ending_before</c>), or null for the newest.</param>
/// <param name="Limit">How many at most (1 to 100).</param>
internal readonly record struct ReaderEventQuery(string? EndingBefore, int Limit)
{
    /// <summary>
    /// The event types that move a waiting checkout: its reader action ending, and its PaymentIntent
    /// authorised (that event's PaymentIntent stands in for the read before the capture). Not
    /// <c>terminal.reader.action_updated</c>: the feed moves an action only to its outcome, and
    /// Stripe has offered that event behind a beta header.
    /// </summary>
    public static readonly IReadOnlyList<string> Types =
    [
        "terminal.reader.action_succeeded",
        "terminal.reader.action_failed",
        "payment_intent.amount_capturable_updated",
    ];
}

/// <summary>One event: the reader or the PaymentIntent it carries (the object as of the event).</summary>
internal sealed record ReaderEvent(string Id, TerminalReader? Reader, TerminalPayment? PaymentIntent);

/// <summary>One page of events, oldest first, and whether newer ones follow.</summary>
internal sealed record ReaderEventPage(IReadOnlyList<ReaderEvent> Events, bool HasMore);

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
