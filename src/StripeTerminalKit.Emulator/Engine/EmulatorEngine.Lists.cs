using System.Globalization;
using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

// List endpoints' shared rules: paging newest first (limit, starting_after, ending_before), the
// created filter, and which fields of a list's items can be expanded.
internal sealed partial class EmulatorEngine
{
    /// <summary>Pages a list newest first, as Stripe does, with limit / starting_after / ending_before.</summary>
    private static ListPage Page<T>(RequestContext c, string url, IEnumerable<T> items)
        where T : Resource
    {
        var limit = (int)(c.Params.Long("limit", min: 1, max: 100) ?? 10);
        var startingAfter = c.Params.String("starting_after", allowEmpty: false);
        var endingBefore = c.Params.String("ending_before", allowEmpty: false);
        if (startingAfter is not null && endingBefore is not null)
        {
            throw ApiErrorException.InvalidRequest("You may only specify one of these parameters: ending_before, starting_after.", "starting_after");
        }

        c.ReadExpand(ExpandablesOf(typeof(T)).Select(e => "data." + e).ToArray());
        c.Params.EnsureNoUnknown();
        var ordered = items.OrderByDescending(i => i.Sequence).ToList();
        if (startingAfter is not null)
        {
            var index = ordered.FindIndex(i => i.Id == startingAfter);
            if (index < 0)
            {
                throw ApiErrorException.NoSuch("object", startingAfter, "starting_after");
            }

            var rest = ordered.Skip(index + 1).ToList();
            return new ListPage(url, rest.Take(limit).ToArray(), rest.Count > limit);
        }

        if (endingBefore is not null)
        {
            var index = ordered.FindIndex(i => i.Id == endingBefore);
            if (index < 0)
            {
                throw ApiErrorException.NoSuch("object", endingBefore, "ending_before");
            }

            var before = ordered.Take(index).ToList();
            var page = before.Skip(Math.Max(0, before.Count - limit)).ToArray();
            return new ListPage(url, page, before.Count > limit);
        }

        return new ListPage(url, ordered.Take(limit).ToArray(), ordered.Count > limit);
    }

    /// <summary>
    /// Reads Stripe's <c>created</c> list filter: a Unix time (exact match) or a hash of
    /// <c>gt</c>/<c>gte</c>/<c>lt</c>/<c>lte</c>. Matches everything when absent.
    /// </summary>
    private static Func<long, bool> ReadCreatedFilter(Params p)
    {
        if (!p.Has("created"))
        {
            return static _ => true;
        }

        var range = p.Object("created");
        if (range is null)
        {
            var exact = p.Long("created");
            return exact is null ? static _ => true : t => t == exact;
        }

        var gt = range.Long("gt");
        var gte = range.Long("gte");
        var lt = range.Long("lt");
        var lte = range.Long("lte");
        return t => (gt is null || t > gt) && (gte is null || t >= gte) && (lt is null || t < lt) && (lte is null || t <= lte);
    }

    private static string[] ExpandablesOf(Type t) =>
        // A reader's action PaymentIntent expands through a list too (data.action.process_payment_intent.payment_intent):
        // Stripe expands any expandable field of a list's items with the data. prefix (docs: api/expanding_objects).
        t == typeof(Reader) ? ReaderExpandables
        : t == typeof(PaymentIntent) ? PaymentIntentExpandables
        : t == typeof(Charge) ? ["balance_transaction"]
        : t == typeof(Refund) ? ["charge", "payment_intent"]
        : [];
}
