namespace StripeTerminalKit.Emulator;

/// <summary>
/// One event the emulator raised, exactly as Stripe would render it for a webhook endpoint
/// (<c>api_version</c> <c>2026-10-28.endive</c>).
/// </summary>
/// <param name="Id">The event id (<c>evt_…</c>).</param>
/// <param name="Type">The event type, such as <c>terminal.reader.action_succeeded</c>.</param>
/// <param name="Created">When the event was raised, on the emulator's clock.</param>
/// <param name="Json">The event body: the exact bytes that are signed and delivered.</param>
public sealed record EmulatorEvent(string Id, string Type, DateTimeOffset Created, string Json)
{
    /// <summary>
    /// The connected account the event happened on (the envelope's <c>account</c>), or
    /// <see langword="null"/> for the account's own events. Only subscriptions registered for
    /// Connect receive connected accounts' events.
    /// </summary>
    public string? Account { get; init; }
}
