using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Stripe.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Webhooks;

/// <summary>Webhooks raised by a real payment through Stripe.net, verified as a POS backend verifies them.</summary>
public sealed class EmulatorWebhooksEndToEndTests
{
    [Fact]
    public async Task A_card_present_payment_raises_signed_events_that_a_backend_can_verify()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = time });
        var readerEvents = new DeliveryRecorder();
        using var subscription = emulator.Webhooks.Subscribe(
            readerEvents.HandleAsync, [EventTypes.TerminalReaderActionSucceeded, EventTypes.TerminalReaderActionFailed]);
        var endpoint = new FakeWebhookEndpoint(time, _ => HttpStatusCode.OK);
        using var httpEndpoint = emulator.Webhooks.AddEndpoint(new Uri("https://pos.example.test/stripe/webhooks"), endpoint);
        var stripe = emulator.CreateStripeClient();

        var location = await stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
        {
            DisplayName = "Cafe",
            Address = new AddressOptions { Line1 = "1 Collins St", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
        });
        var reader = await stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-s700", Location = location.Id });
        var paymentIntent = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "aud",
            AllowedPaymentMethodTypes = ["card_present"],
        });
        await stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = paymentIntent.Id });
        await stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(reader.Id, new Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions
        {
            Type = "card_present",
            CardPresent = new Stripe.TestHelpers.Terminal.ReaderCardPresentOptions { Number = "4242424242424242" },
        });
        await emulator.Webhooks.DrainAsync().WaitAsync(TimeSpan.FromSeconds(20));

        long now = time.GetUtcNow().ToUnixTimeSeconds();
        EmulatorWebhookDelivery delivery = Assert.Single(readerEvents.Deliveries);
        Event readerEvent = EventUtility.ConstructEvent(delivery.Payload, delivery.SignatureHeader, emulator.Webhooks.Secret, 300, now, true);
        Assert.Equal(EventTypes.TerminalReaderActionSucceeded, readerEvent.Type);
        var succeeded = Assert.IsType<Reader>(readerEvent.Data.Object);
        Assert.Equal(reader.Id, succeeded.Id);
        Assert.Equal(paymentIntent.Id, succeeded.Action.ProcessPaymentIntent.PaymentIntentId);

        // The HTTP endpoint got every event (all types enabled), each signature valid, each event once.
        Assert.NotEmpty(endpoint.Requests);
        Assert.All(endpoint.Requests, r => EventUtility.ValidateSignature(r.Body, r.Signature, emulator.Webhooks.Secret, 300, now));
        var received = endpoint.Requests.Select(r =>
        {
            using var body = JsonDocument.Parse(r.Body);
            return (Id: body.RootElement.GetProperty("id").GetString()!, Type: body.RootElement.GetProperty("type").GetString()!, Request: r);
        }).ToList();
        Assert.Equal(received.Count, received.Select(e => e.Id).Distinct().Count());
        Assert.Contains(received, e => e.Id == readerEvent.Id);

        // The PaymentIntent's outcome parses into Stripe.net's type with the API version check on.
        ReceivedRequest succeededRequest = received.Single(e => e.Type == EventTypes.PaymentIntentSucceeded).Request;
        Event paymentIntentEvent = EventUtility.ConstructEvent(succeededRequest.Body, succeededRequest.Signature, emulator.Webhooks.Secret, 300, now, true);
        Assert.Equal(paymentIntent.Id, Assert.IsType<PaymentIntent>(paymentIntentEvent.Data.Object).Id);
        Assert.Equal(emulator.Webhooks.Counters.Published, httpEndpoint.Counters.Delivered);

        // Every event, charges included, parses into Stripe.net's types (a null capture_before once broke charge events).
        Assert.All(received, e => Assert.NotNull(EventUtility.ConstructEvent(e.Request.Body, e.Request.Signature, emulator.Webhooks.Secret, 300, now, true).Data.Object));
        Assert.Contains(received, e => e.Type == EventTypes.ChargeSucceeded);
    }
}
