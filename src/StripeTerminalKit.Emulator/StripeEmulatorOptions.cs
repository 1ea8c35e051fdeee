namespace StripeTerminalKit.Emulator;

/// <summary>How a <see cref="StripeEmulator"/> behaves.</summary>
public sealed class StripeEmulatorOptions
{
    /// <summary>The clock for timestamps, timeouts, expiries and scheduled customer taps. Tests pass a FakeTimeProvider.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Seed for ids, fault probabilities and webhook delivery faults: the same seed and requests give the same run.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>The webhook signing secret (<c>whsec_…</c>). A test secret; never a real one.</summary>
    public string WebhookSecret { get; set; } = "whsec_emulator_test_secret_do_not_use_in_production";

    /// <summary>How long a card authorisation stays capturable before it expires (Stripe: 2 days).</summary>
    public TimeSpan AuthorizationValidity { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long an extended authorisation stays capturable.</summary>
    public TimeSpan ExtendedAuthorizationValidity { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long after <c>collect_payment_method</c> the payment may be confirmed (Stripe: 30 seconds).</summary>
    public TimeSpan CollectConfirmWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>collect_inputs</c> waits for the customer before failing (Stripe: 2 minutes).</summary>
    public TimeSpan CollectInputsTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long an authorisation takes after the card is presented. Zero completes it at once;
    /// a positive value opens the window in which <c>cancel_action</c> answers <c>terminal_reader_busy</c>.
    /// </summary>
    public TimeSpan AuthorizationDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long after creation a refund of <see cref="TestCards.RefundFails"/> fails.</summary>
    public TimeSpan RefundFailureDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Stripe's rate limits to enforce, or null (the default) for none.</summary>
    public EmulatorRateLimits? RateLimits { get; set; }
}

/// <summary>Request rate limits, counted per second of the emulator's clock, as Stripe counts them.</summary>
/// <param name="GlobalPerSecond">All requests together (sandbox 25, live 100).</param>
/// <param name="PerEndpointPerSecond">Requests to one endpoint, such as all <c>GET /v1/payment_intents/{id}</c> (25).</param>
public sealed record EmulatorRateLimits(int GlobalPerSecond = 25, int PerEndpointPerSecond = 25)
{
    /// <summary>Stripe's sandbox limits: 25 requests per second overall and per endpoint.</summary>
    public static EmulatorRateLimits Sandbox { get; } = new(25, 25);

    /// <summary>Stripe's live-mode limits: 100 requests per second overall, 25 per endpoint.</summary>
    public static EmulatorRateLimits Live { get; } = new(100, 25);
}
