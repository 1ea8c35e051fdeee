using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary><c>/v1/payment_intents/search</c>: Stripe's search query language, the subset the emulator reads.</summary>
internal sealed partial class EmulatorEngine
{
    /// <summary>How long a new or changed PaymentIntent takes to show in search: Stripe's search is eventually consistent, about a minute (docs: search).</summary>
    internal static readonly TimeSpan SearchDelay = TimeSpan.FromMinutes(1);

    /// <summary>
    /// <c>GET /v1/payment_intents/search?query=…</c> (OpenAPI; corrections table, "Search and
    /// lists"): clauses <c>metadata['key']:'value'</c>, <c>status:'…'</c>, <c>currency:'…'</c>
    /// joined by <c>AND</c>, newest first. A PaymentIntent shows up a minute after it was created,
    /// as Stripe's eventually consistent search does; other query syntax is refused (the emulator's choice).
    /// </summary>
    internal object SearchPaymentIntents(RequestContext c)
    {
        var query = c.Params.String("query", required: true)!;
        var limit = (int)(c.Params.Long("limit", min: 1, max: 100) ?? 10);
        var page = c.Params.String("page", allowEmpty: false);
        c.ReadExpand([.. PaymentIntentExpandables.Select(e => "data." + e)]);
        c.Params.EnsureNoUnknown();

        var clauses = new List<Func<PaymentIntent, bool>>();
        foreach (var raw in query.Split(" AND ", StringSplitOptions.TrimEntries))
        {
            var m = System.Text.RegularExpressions.Regex.Match(raw, @"^(?:metadata\['(?<key>[^']+)'\]|(?<field>status|currency)):'(?<value>[^']*)'$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            if (!m.Success)
            {
                throw ApiErrorException.InvalidRequest($"The emulator cannot parse the search clause \"{raw}\": it understands metadata['key']:'value', status:'…' and currency:'…' joined by AND.", "query");
            }

            var value = m.Groups["value"].Value;
            if (m.Groups["key"].Success)
            {
                var key = m.Groups["key"].Value;
                clauses.Add(pi => pi.Metadata.TryGetValue(key, out var v) && v == value);
            }
            else if (m.Groups["field"].Value == "status")
            {
                clauses.Add(pi => pi.Status == value);
            }
            else
            {
                clauses.Add(pi => pi.Currency == value);
            }
        }

        var offset = 0;
        if (page is not null && (!page.StartsWith("page_", StringComparison.Ordinal) || !int.TryParse(page.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out offset)))
        {
            throw ApiErrorException.InvalidRequest("Invalid page token.", "page");
        }

        var indexedBefore = _state.NowUnix - (long)SearchDelay.TotalSeconds;
        var matches = _state.PaymentIntents.Values
            .Where(pi => c.Visible(pi) && pi.Created <= indexedBefore && clauses.TrueForAll(f => f(pi)))
            .OrderByDescending(pi => pi.Sequence)
            .ToList();
        var data = matches.Skip(offset).Take(limit).ToArray();
        var hasMore = offset + data.Length < matches.Count;
        var expand = c.Expand.Under("data");
        return (Action<System.Text.Json.Utf8JsonWriter>)(w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "search_result");
            w.WriteStartArray("data");
            foreach (var pi in data)
            {
                pi.Write(w, _state, expand);
            }

            w.WriteEndArray();
            w.WriteBoolean("has_more", hasMore);
            w.Str("next_page", hasMore ? "page_" + (offset + data.Length).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
            w.WriteString("url", "/v1/payment_intents/search");
            w.WriteEndObject();
        });
    }
}
