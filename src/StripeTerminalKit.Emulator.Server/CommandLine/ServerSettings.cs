namespace StripeTerminalKit.Emulator.Server.CommandLine;

/// <summary>What the command line asked for. A class, not a record, so that no generated
/// <c>ToString()</c> ever prints the webhook secret.</summary>
internal sealed class ServerSettings
{
    /// <summary>The port stripe-mock uses, so tooling written for it finds us.</summary>
    public const int DefaultPort = 12111;

    /// <summary>Port on 127.0.0.1; 0 lets the operating system pick a free one.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Seed for the emulator's randomness; null draws a random one (printed in the banner).</summary>
    public int? Seed { get; init; }

    /// <summary>Whether webhook endpoints may point off this machine (<c>--allow-remote-webhooks</c>).</summary>
    public bool AllowRemoteWebhooks { get; init; }

    /// <summary>Stripe's rate limits to enforce (<c>--rate-limits live|sandbox</c>), or null for none.</summary>
    public EmulatorRateLimits? RateLimits { get; init; }

    /// <summary>How many accepted writes the server forwards before refusing more (tests lower it).</summary>
    public int MaxAcceptedWrites { get; init; } = Security.ServerLimits.MaxAcceptedWrites;

    /// <summary>HTTP endpoints that receive signed webhook events.</summary>
    public IReadOnlyList<Uri> WebhookUrls { get; init; } = [];

    /// <summary>The signing secret; null means generate a fresh test secret for this run.</summary>
    public string? WebhookSecret { get; init; }
}
