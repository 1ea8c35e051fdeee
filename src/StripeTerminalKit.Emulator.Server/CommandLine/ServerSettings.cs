namespace StripeTerminalKit.Emulator.Server.CommandLine;

/// <summary>What the command line asked for. A class, not a record, so that no generated
/// <c>ToString()</c> ever prints the webhook secret.</summary>
internal sealed class ServerSettings
{
    /// <summary>The port stripe-mock uses, so tooling written for it finds us.</summary>
    public const int DefaultPort = 12111;

    /// <summary>Port on 127.0.0.1; 0 lets the operating system pick a free one.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Seed for the emulator's randomness; null keeps the emulator's default.</summary>
    public int? Seed { get; init; }

    /// <summary>HTTP endpoints that receive signed webhook events.</summary>
    public IReadOnlyList<Uri> WebhookUrls { get; init; } = [];

    /// <summary>The signing secret; null means generate a fresh test secret for this run.</summary>
    public string? WebhookSecret { get; init; }
}
