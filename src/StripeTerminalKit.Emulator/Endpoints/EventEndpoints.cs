using System.Text.Json;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary><c>/v1/events</c>: what a backend reads to reconcile after missing webhooks.</summary>
internal sealed partial class EmulatorEngine
{
    internal object ListEvents(RequestContext c)
    {
        var p = c.Params;
        var type = p.String("type", allowEmpty: false);
        var types = p.StringList("types", maxItems: 20);
        var created = p.Object("created");
        var gt = created?.Long("gt");
        var gte = created?.Long("gte");
        var lt = created?.Long("lt");
        var lte = created?.Long("lte");
        var limit = (int)(p.Long("limit", min: 1, max: 100) ?? 10);
        var startingAfter = p.String("starting_after", allowEmpty: false);
        var endingBefore = p.String("ending_before", allowEmpty: false);
        p.Bool("delivery_success");
        c.ReadExpand();
        p.EnsureNoUnknown();
        if (type is not null && types is not null)
        {
            throw ApiErrorException.InvalidRequest("You may only specify one of these parameters: type, types.", "types");
        }

        bool Matches(EmulatorEvent e)
        {
            var t = e.Created.ToUnixTimeSeconds();
            return (type is null || TypeMatches(type, e.Type))
                && (types is null || types.Any(x => TypeMatches(x, e.Type)))
                && (gt is null || t > gt) && (gte is null || t >= gte) && (lt is null || t < lt) && (lte is null || t <= lte);
        }

        var all = endingBefore is not null && startingAfter is null
            ? NewerThan(endingBefore, e => e.Account == c.Account && Matches(e.Event))
            : _state.Events.Where(e => e.Account == c.Account && Matches(e.Event)).OrderByDescending(e => e.Sequence).Select(e => e.Event).ToList();
        var start = 0;
        var end = all.Count;
        if (startingAfter is not null)
        {
            var i = all.FindIndex(e => e.Id == startingAfter);
            start = i < 0 ? throw ApiErrorException.NoSuch("event", startingAfter, "starting_after") : i + 1;
        }
        else if (endingBefore is not null)
        {
            var i = all.FindIndex(e => e.Id == endingBefore);
            end = i < 0 ? throw ApiErrorException.NoSuch("event", endingBefore, "ending_before") : i;
            start = Math.Max(0, end - limit);
        }

        var page = all.Skip(start).Take(Math.Min(limit, end - start)).ToArray();
        var hasMore = endingBefore is not null ? start > 0 : start + page.Length < end;
        return (Action<Utf8JsonWriter>)(w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var e in page)
            {
                WriteEvent(w, e);
            }

            w.WriteEndArray();
            w.WriteBoolean("has_more", hasMore);
            w.WriteString("url", "/v1/events");
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// The matching events from the newest down to <paramref name="cursor"/> (included, last), walking
    /// back from the end of the log (kept in sequence order): a feed that reads what is new each
    /// second costs what is new, not the whole log. Without the cursor among them, every match.
    /// </summary>
    private List<EmulatorEvent> NewerThan(string cursor, Func<(EmulatorEvent Event, string? Account, long Sequence), bool> matches)
    {
        var newestFirst = new List<EmulatorEvent>();
        for (var i = _state.Events.Count - 1; i >= 0; i--)
        {
            var entry = _state.Events[i];
            if (matches(entry))
            {
                newestFirst.Add(entry.Event);
                if (entry.Event.Id == cursor)
                {
                    return newestFirst;
                }
            }
        }

        return newestFirst;
    }

    internal object GetEvent(RequestContext c)
    {
        c.ReadExpand();
        c.Params.EnsureNoUnknown();
        foreach (var (e, account, _) in _state.Events)
        {
            if (e.Id == c.Id && account == c.Account)
            {
                return (Action<Utf8JsonWriter>)(w => WriteEvent(w, e));
            }
        }

        throw ApiErrorException.NoSuch("event", c.Id, "id");
    }

    /// <summary>
    /// The event as stored, with <c>pending_webhooks</c> as it is now: it falls as endpoints answer
    /// 2xx (API reference, the Event object: "Number of webhooks that haven't been successfully
    /// delivered"). The delivered bodies keep the value they were signed with.
    /// </summary>
    private void WriteEvent(Utf8JsonWriter w, EmulatorEvent e)
    {
        if (_webhooks.PendingWebhooksOf(e.Id) is not { } pending)
        {
            w.WriteRawValue(e.Json, skipInputValidation: true);
            return;
        }

        using var document = JsonDocument.Parse(e.Json);
        w.WriteStartObject();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.NameEquals("pending_webhooks"))
            {
                w.WriteNumber("pending_webhooks", pending);
            }
            else
            {
                property.WriteTo(w);
            }
        }

        w.WriteEndObject();
    }

    private static bool TypeMatches(string pattern, string type) =>
        pattern.EndsWith(".*", StringComparison.Ordinal) ? type.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == type;
}
