using Stripe.Terminal;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Internal;

namespace StripeTerminalKit.Readers;

// Polling.IReaderPageSource: the two list requests the checkouts' batched polling reads (a page of
// readers, a page of reader-action events), each answering many waiting checkouts at once.
internal sealed partial class TerminalReaders
{
    /// <inheritdoc />
    public async Task<Polling.ReaderPage> ListPageAsync(Polling.ReaderPageQuery query, CancellationToken cancellationToken)
    {
        var options = new ReaderListOptions
        {
            Limit = Polling.ReaderPageQuery.PageSize,
            StartingAfter = query.StartingAfter,
            Location = query.LocationId,
            Expand = query.ExpandPaymentIntents ? ["data.action.process_payment_intent.payment_intent"] : null,
        };
        var page = await _executor.ExecuteAsync(
            StripeOperation.ReadersList,
            // Batched reads serve waiting checkouts, whose machines retry a failed read after their backoff: one retrier.
            TerminalCallOptions.CallerRetries,
            new StripeCallContext(StripeOperation.ReadersList.Name),
            (client, requestOptions, ct) => client.V1.Terminal.Readers.ListAsync(options, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        var readers = new Polling.ObservedReader[page.Data.Count];
        for (var i = 0; i < readers.Length; i++)
        {
            var reader = page.Data[i];
            var intent = reader.Action?.ProcessPaymentIntent?.PaymentIntent;
            readers[i] = new Polling.ObservedReader(ReaderMapping.Map(reader), intent is null ? null : Payments.PaymentMapping.Map(intent));
        }

        return new Polling.ReaderPage(readers, page.HasMore);
    }

    /// <inheritdoc />
    public async Task<Polling.ReaderEventPage> ListEventsAsync(Polling.ReaderEventQuery query, CancellationToken cancellationToken)
    {
        var options = new Stripe.EventListOptions
        {
            Limit = query.Limit,
            EndingBefore = query.EndingBefore,
            Types = [.. Polling.ReaderEventQuery.Types],
        };
        var page = await _executor.ExecuteAsync(
            StripeOperation.EventsList,
            TerminalCallOptions.CallerRetries,
            new StripeCallContext(StripeOperation.EventsList.Name),
            (client, requestOptions, ct) => client.V1.Events.ListAsync(options, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);

        // Stripe lists newest first; a feed applies them in the order they happened.
        var events = new Polling.ReaderEvent[page.Data.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var e = page.Data[events.Length - 1 - i];
            events[i] = e.Data?.Object switch
            {
                Reader reader => new Polling.ReaderEvent(e.Id, ReaderMapping.Map(reader), null),
                Stripe.PaymentIntent intent => new Polling.ReaderEvent(e.Id, null, Payments.PaymentMapping.Map(intent)),
                _ => new Polling.ReaderEvent(e.Id, null, null),
            };
        }

        return new Polling.ReaderEventPage(events, page.HasMore);
    }
}
