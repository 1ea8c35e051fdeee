using System.Text.RegularExpressions;
using Stripe;

namespace StripeTerminalKit.Emulator.Tests.Webhooks;

public sealed class EmulatorWebhooksSignatureTests
{
    private static readonly Regex SingleSignature = new(@"^t=(\d+),v1=([0-9a-f]{64}),v0=([0-9a-f]{64})$", RegexOptions.CultureInvariant);

    [Fact]
    public async Task Delivery_is_accepted_by_Stripe_net_ConstructEvent_with_api_version_check()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        EmulatorWebhookDelivery delivery = Assert.Single(recorder.Deliveries);
        Event stripeEvent = EventUtility.ConstructEvent(
            delivery.Payload, delivery.SignatureHeader, webhooks.Secret, 300, time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: true);
        Assert.Equal(WebhookTestKit.EventId(1), stripeEvent.Id);
        Assert.Equal(EventTypes.TerminalReaderActionSucceeded, stripeEvent.Type);
        Assert.Equal("2026-10-28.endive", stripeEvent.ApiVersion);
        var reader = Assert.IsType<Stripe.Terminal.Reader>(stripeEvent.Data.Object);
        Assert.Equal("succeeded", reader.Action.Status);
        Assert.Equal("pi_3QEmu000001", reader.Action.ProcessPaymentIntent.PaymentIntentId);
    }

    [Fact]
    public async Task Header_carries_the_emulator_clock_and_one_v1_that_matches_Stripe_net_ComputeSignature()
    {
        var time = WebhookTestKit.NewTime();
        time.Advance(TimeSpan.FromMinutes(3.5));
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        EmulatorWebhookDelivery delivery = Assert.Single(recorder.Deliveries);
        Match match = SingleSignature.Match(delivery.SignatureHeader);
        Assert.True(match.Success, delivery.SignatureHeader);
        long timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups[1].Value);
        Assert.Equal(EventUtility.ComputeSignature(webhooks.Secret, match.Groups[1].Value, delivery.Payload), match.Groups[2].Value);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(timestamp), delivery.SignedAt);
        Assert.Equal(1, delivery.Attempt);
        Assert.Equal(WebhookTestKit.ReaderActionSucceeded(1).Json, delivery.Payload);
    }

    [Fact]
    public async Task A_test_mode_delivery_also_carries_a_fake_v0_that_the_secret_does_not_verify()
    {
        // Stripe: "To aid with testing, Stripe sends an additional signature with a fake v0 scheme,
        // for test mode events" (docs: webhooks, "Verify signatures manually"); receivers must
        // ignore every scheme but v1. Every emulator event is a test-mode event.
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        EmulatorWebhookDelivery delivery = Assert.Single(recorder.Deliveries);
        Match match = SingleSignature.Match(delivery.SignatureHeader);
        Assert.True(match.Success, delivery.SignatureHeader);
        Assert.NotEqual(match.Groups[2].Value, match.Groups[3].Value);
        Assert.NotEqual(EventUtility.ComputeSignature(webhooks.Secret, match.Groups[1].Value, delivery.Payload), match.Groups[3].Value);

        // Stripe.net ignores the v0 and verifies the v1; a header with only the v0 is refused.
        long now = time.GetUtcNow().ToUnixTimeSeconds();
        Assert.NotNull(EventUtility.ConstructEvent(delivery.Payload, delivery.SignatureHeader, webhooks.Secret, 300, now, true));
        string v0Only = $"t={match.Groups[1].Value},v0={match.Groups[3].Value}";
        Assert.Throws<StripeException>(() => EventUtility.ValidateSignature(delivery.Payload, v0Only, webhooks.Secret, 300, now));
    }

    [Fact]
    public async Task Tampered_body_wrong_secret_and_stale_timestamp_are_rejected()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();
        EmulatorWebhookDelivery delivery = Assert.Single(recorder.Deliveries);
        long now = time.GetUtcNow().ToUnixTimeSeconds();

        string tampered = delivery.Payload.Replace("\"status\": \"succeeded\"", "\"status\": \"failed\"", StringComparison.Ordinal);

        Assert.NotEqual(delivery.Payload, tampered);
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(tampered, delivery.SignatureHeader, webhooks.Secret, 300, now, true));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(delivery.Payload, delivery.SignatureHeader, "whsec_someoneElsesSecret", 300, now, true));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(delivery.Payload, delivery.SignatureHeader, webhooks.Secret, 300, now + 301, true));
        Assert.NotNull(EventUtility.ConstructEvent(delivery.Payload, delivery.SignatureHeader, webhooks.Secret, 300, now + 299, true));
    }

    [Fact]
    public async Task Each_attempt_is_signed_when_it_is_sent_so_a_late_retry_still_verifies()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        webhooks.RetryPolicy = new EmulatorWebhookRetryPolicy { FirstRetryDelay = TimeSpan.FromMinutes(10) };
        var recorder = new DeliveryRecorder(d => d.Attempt == 1 ? throw new InvalidOperationException("down") : Task.CompletedTask);
        webhooks.Subscribe(recorder.HandleAsync);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();
        time.Advance(TimeSpan.FromMinutes(10));
        await webhooks.DrainWithGuardAsync();

        EmulatorWebhookDelivery retry = recorder.Deliveries[1];
        Assert.Equal(2, retry.Attempt);
        Assert.Equal(WebhookTestKit.Start.AddMinutes(10), retry.SignedAt);
        Assert.NotNull(EventUtility.ConstructEvent(retry.Payload, retry.SignatureHeader, webhooks.Secret, 300, time.GetUtcNow().ToUnixTimeSeconds(), true));
    }

    [Fact]
    public async Task During_rotation_the_header_carries_two_v1_signatures_and_both_secrets_verify()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);
        string oldSecret = webhooks.Secret;

        webhooks.RollSecret("whsec_rolledSecretForTheEmulatorTests0001", TimeSpan.FromHours(1));
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        EmulatorWebhookDelivery delivery = Assert.Single(recorder.Deliveries);
        long now = time.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal("whsec_rolledSecretForTheEmulatorTests0001", webhooks.Secret);
        Assert.Equal(oldSecret, webhooks.PreviousSecret);
        Assert.Equal(WebhookTestKit.Start.AddHours(1), webhooks.PreviousSecretExpiresAt);
        Assert.Equal(2, Regex.Count(delivery.SignatureHeader, ",v1=[0-9a-f]{64}"));
        Assert.NotNull(EventUtility.ConstructEvent(delivery.Payload, delivery.SignatureHeader, webhooks.Secret, 300, now, true));
        Assert.NotNull(EventUtility.ConstructEvent(delivery.Payload, delivery.SignatureHeader, oldSecret, 300, now, true));
    }

    [Fact]
    public async Task Previous_secret_stops_signing_when_its_overlap_ends()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);
        string oldSecret = webhooks.Secret;
        webhooks.RollSecret("whsec_rolledSecretForTheEmulatorTests0002", TimeSpan.FromHours(1));

        time.Advance(TimeSpan.FromHours(1));
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        EmulatorWebhookDelivery delivery = Assert.Single(recorder.Deliveries);
        long now = time.GetUtcNow().ToUnixTimeSeconds();
        Assert.Null(webhooks.PreviousSecret);
        Assert.Null(webhooks.PreviousSecretExpiresAt);
        Assert.Matches(SingleSignature, delivery.SignatureHeader);
        Assert.NotNull(EventUtility.ConstructEvent(delivery.Payload, delivery.SignatureHeader, webhooks.Secret, 300, now, true));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(delivery.Payload, delivery.SignatureHeader, oldSecret, 300, now, true));
    }

    [Fact]
    public async Task Expiring_the_previous_secret_ends_the_rotation_at_once()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);
        webhooks.RollSecret(TimeSpan.FromHours(24));

        webhooks.ExpirePreviousSecret();
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        Assert.Null(webhooks.PreviousSecret);
        Assert.Matches(SingleSignature, Assert.Single(recorder.Deliveries).SignatureHeader);
    }

    [Fact]
    public async Task Generated_secret_has_Stripe_shape_and_is_reproducible_from_the_seed()
    {
        var time = WebhookTestKit.NewTime();
        await using var first = WebhookTestKit.NewWebhooks(time, seed: 7);
        await using var second = WebhookTestKit.NewWebhooks(time, seed: 7);

        string rolled = first.RollSecret(TimeSpan.Zero);

        Assert.Matches("^whsec_[0-9A-Za-z]{32}$", rolled);
        Assert.NotEqual(WebhookTestKit.Secret, rolled);
        Assert.Equal(rolled, first.Secret);
        Assert.Null(first.PreviousSecret);
        Assert.Equal(rolled, second.RollSecret(TimeSpan.Zero));
    }

    [Fact]
    public async Task Secrets_never_appear_in_ToString_or_exception_messages()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        EmulatorWebhookSubscription subscription = webhooks.Subscribe(recorder.HandleAsync);
        using var endpoint = webhooks.AddEndpoint(new Uri("https://pos.example.test/stripe/webhooks"), new StatusHandler(200));
        webhooks.RollSecret("whsec_rolledSecretForTheEmulatorTests0003", TimeSpan.FromHours(1));
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        var sameSecret = Assert.Throws<ArgumentException>(() => webhooks.RollSecret(webhooks.Secret, TimeSpan.Zero));
        var blankSecret = Assert.Throws<ArgumentException>(() => webhooks.RollSecret("  ", TimeSpan.Zero));
        var tooLong = Assert.Throws<ArgumentOutOfRangeException>(() => webhooks.RollSecret("whsec_another", TimeSpan.FromHours(25)));

        string[] texts =
        [
            webhooks.ToString(), subscription.ToString(), endpoint.ToString(), recorder.Deliveries[0].ToString(),
            webhooks.Counters.ToString(), sameSecret.ToString(), blankSecret.ToString(), tooLong.ToString(),
        ];
        foreach (string text in texts)
        {
            Assert.DoesNotContain("whsec_", text, StringComparison.Ordinal);
            Assert.DoesNotContain(WebhookTestKit.Secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("1 published", webhooks.ToString(), StringComparison.Ordinal);
        Assert.Equal("whsec_rolledSecretForTheEmulatorTests0003", webhooks.Secret);
    }
}
