using System.Net;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Endpoints;

public sealed class SetupIntentsTests
{
    [Fact]
    public async Task Create_with_allowed_payment_method_types_answers_a_card_present_setup_intent()
    {
        await using var h = new WireHarness();

        var intent = await h.Stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            AllowedPaymentMethodTypes = ["card_present"],
            Description = "Save card for tab",
            Metadata = new Dictionary<string, string> { ["tab"] = "7" },
            Usage = "on_session",
        });

        Assert.StartsWith("seti_", intent.Id);
        Assert.Equal("setup_intent", intent.Object);
        Assert.Equal("requires_payment_method", intent.Status);
        Assert.Equal(["card_present"], intent.PaymentMethodTypes);
        Assert.Equal("on_session", intent.Usage);
        Assert.Equal("Save card for tab", intent.Description);
        Assert.Equal("7", intent.Metadata["tab"]);
        Assert.StartsWith(intent.Id + "_secret_", intent.ClientSecret);
    }

    [Fact]
    public async Task Create_defaults_to_card_present_and_off_session()
    {
        await using var h = new WireHarness();

        var intent = await h.Stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions());

        Assert.Equal(["card_present"], intent.PaymentMethodTypes);
        Assert.Equal("off_session", intent.Usage);
    }

    [Fact]
    public async Task Payment_method_types_is_refused_on_the_endive_api_version()
    {
        await using var h = new WireHarness();
        var options = new SetupIntentCreateOptions();
        options.AddExtraParam("payment_method_types[0]", "card_present");

        await StripeAssert.FailsAsync(() => h.Stripe.V1.SetupIntents.CreateAsync(options), HttpStatusCode.BadRequest, "payment_method_types_no_longer_supported", "payment_method_types");
    }

    [Fact]
    public async Task Get_and_cancel_and_a_second_cancel_is_refused()
    {
        await using var h = new WireHarness();
        var intent = await h.Stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions());

        var fetched = await h.Stripe.V1.SetupIntents.GetAsync(intent.Id);
        var canceled = await h.Stripe.V1.SetupIntents.CancelAsync(intent.Id, new SetupIntentCancelOptions { CancellationReason = "abandoned" });
        await StripeAssert.FailsAsync(() => h.Stripe.V1.SetupIntents.CancelAsync(intent.Id), HttpStatusCode.BadRequest, "setup_intent_unexpected_state");

        Assert.Equal(intent.Id, fetched.Id);
        Assert.Equal("canceled", canceled.Status);
        Assert.Equal("abandoned", canceled.CancellationReason);
    }

    [Fact]
    public async Task Unknown_setup_intents_are_404()
    {
        await using var h = new WireHarness();

        await StripeAssert.FailsAsync(() => h.Stripe.V1.SetupIntents.GetAsync("seti_nope"), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.SetupIntents.CancelAsync("seti_nope"), HttpStatusCode.NotFound, "resource_missing");
    }

    [Fact]
    public async Task Process_setup_intent_on_a_reader_saves_the_card()
    {
        await using var h = new WireHarness();
        var reader = await h.RegisterReaderAsync("simulated-wpe");
        var intent = await h.Stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions { AllowedPaymentMethodTypes = ["card_present"] });

        var processing = await h.Stripe.V1.Terminal.Readers.ProcessSetupIntentAsync(reader.Id, new ReaderProcessSetupIntentOptions { SetupIntent = intent.Id, AllowRedisplay = "always" });
        var done = await h.Stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(reader.Id, new Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions());
        var saved = await h.Stripe.V1.SetupIntents.GetAsync(intent.Id);

        Assert.Equal("process_setup_intent", processing.Action.Type);
        Assert.Equal(intent.Id, processing.Action.ProcessSetupIntent.SetupIntentId);
        Assert.Equal("succeeded", done.Action.Status);
        Assert.Equal("succeeded", saved.Status);
        Assert.StartsWith("pm_", saved.PaymentMethodId);
        Assert.StartsWith("pm_", done.Action.ProcessSetupIntent.GeneratedCard);
    }
}
