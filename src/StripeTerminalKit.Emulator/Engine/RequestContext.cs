using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary>Everything an endpoint needs to handle one request.</summary>
internal sealed class RequestContext
{
    public required EmulatorState State { get; init; }

    /// <summary>The body (POST) or query (GET, DELETE) parameters.</summary>
    public required Params Params { get; init; }

    public required string[] Args { get; init; }

    public string? Account { get; init; }

    public required RequestInfo Info { get; init; }

    public ExpandSet Expand { get; set; } = ExpandSet.None;

    public DateTimeOffset Now => State.Now;

    /// <summary>The first path argument: the id in <c>/v1/…/{id}/…</c>.</summary>
    public string Id => Args[0];

    /// <summary>Reads <c>expand[]</c>, checking it against what the resource can expand.</summary>
    public void ReadExpand(params string[] allowed)
    {
        var paths = Params.StringList("expand");
        if (paths is null)
        {
            return;
        }

        var expand = new ExpandSet(paths);
        expand.Validate(allowed);
        Expand = expand;
    }

    /// <summary>Objects of another account are invisible, as on Stripe.</summary>
    public bool Visible(Resources.Resource r) => !r.Deleted && string.Equals(r.Account, Account, StringComparison.Ordinal);
}

/// <summary>One page of a list endpoint.</summary>
internal sealed record ListPage(string Url, IReadOnlyList<Resources.Resource> Data, bool HasMore);
