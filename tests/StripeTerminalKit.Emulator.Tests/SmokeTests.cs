using Microsoft.Extensions.Time.Testing;
using Stripe;
using Stripe.Terminal;

namespace StripeTerminalKit.Emulator.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task A_manual_capture_payment_runs_end_to_end_through_Stripe_net()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = time });
        var stripe = emulator.CreateStripeClient();

        var location = await stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
        {
            DisplayName = "Cafe",
            Address = new AddressOptions { Line1 = "1 Collins St", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
        });
        var reader = await stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-s700", Location = location.Id, Label = "Till 1" });
        var pi = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "aud",
            AllowedPaymentMethodTypes = ["card_present"],
            PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions { CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions { CaptureMethod = "manual_preferred" } },
        }, new RequestOptions { IdempotencyKey = "order-1-create" });
        var processing = await stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = pi.Id });
        var tapped = await stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(reader.Id, new Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions
        {
            Type = "card_present",
            CardPresent = new Stripe.TestHelpers.Terminal.ReaderCardPresentOptions { Number = TestCards.Mastercard },
            AmountTip = 200,
        });
        var authorised = await stripe.V1.PaymentIntents.GetAsync(pi.Id, new PaymentIntentGetOptions { Expand = ["latest_charge"] });
        var captured = await stripe.V1.PaymentIntents.CaptureAsync(pi.Id);

        Assert.Equal("simulated_stripe_s700", reader.DeviceType);
        Assert.Equal("in_progress", processing.Action.Status);
        Assert.Equal("succeeded", tapped.Action.Status);
        Assert.Equal("requires_capture", authorised.Status);
        Assert.Equal(1200, authorised.Amount);
        Assert.Equal("mastercard", authorised.LatestCharge.PaymentMethodDetails.CardPresent.Network);
        Assert.Equal("succeeded", captured.Status);
        Assert.Equal(1200, captured.AmountReceived);
    }
}
