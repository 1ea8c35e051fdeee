using System.Net;
using Stripe;
using Stripe.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// The reader's <c>action</c>: acknowledged <c>in_progress</c>, then <c>succeeded</c> or
/// <c>failed</c> (with <c>failure_code</c>, <c>failure_message</c>, <c>api_error</c>); it stays on
/// the reader until replaced; and the precondition errors Stripe answers synchronously.
/// </summary>
public sealed class ReaderActionLifecycleTests
{
    [Fact]
    public async Task A_payment_action_goes_from_in_progress_to_succeeded_and_stays_on_the_reader()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);

        var acknowledged = await s.ProcessAsync(pi.Id);
        var whileWaiting = await s.GetReaderAsync();
        await s.PresentAsync(TestCards.Visa);
        s.Time.Advance(TimeSpan.FromHours(1));
        var later = await s.GetReaderAsync();

        Assert.Equal("process_payment_intent", acknowledged.Action.Type);
        Assert.Equal("in_progress", acknowledged.Action.Status);
        Assert.Null(acknowledged.Action.FailureCode);
        Assert.Null(acknowledged.Action.FailureMessage);
        Assert.Null(acknowledged.Action.ApiError);
        Assert.Equal(pi.Id, acknowledged.Action.ProcessPaymentIntent.PaymentIntentId);
        Assert.Equal("in_progress", whileWaiting.Action.Status);
        Assert.Equal("succeeded", later.Action.Status);
        Assert.Equal(pi.Id, later.Action.ProcessPaymentIntent.PaymentIntentId);
    }

    [Fact]
    public async Task A_failed_action_carries_failure_code_message_and_api_error()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);

        var reader = await s.PresentAsync(TestCards.InsufficientFunds);

        Assert.Equal("failed", reader.Action.Status);
        Assert.Equal("card_declined", reader.Action.FailureCode);
        Assert.Equal("Your card has insufficient funds.", reader.Action.FailureMessage);
        Assert.Equal("card_error", reader.Action.ApiError.Type);
        Assert.Equal("insufficient_funds", reader.Action.ApiError.DeclineCode);
    }

    [Fact]
    public async Task The_payment_intent_can_be_expanded_inside_the_action()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1234);
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);

        var reader = await s.Stripe.V1.Terminal.Readers.GetAsync(s.ReaderId, new ReaderGetOptions { Expand = ["action.process_payment_intent.payment_intent"] });

        Assert.Equal(pi.Id, reader.Action.ProcessPaymentIntent.PaymentIntent.Id);
        Assert.Equal("succeeded", reader.Action.ProcessPaymentIntent.PaymentIntent.Status);
        Assert.Equal(1234, reader.Action.ProcessPaymentIntent.PaymentIntent.AmountReceived);
    }

    [Fact]
    public async Task An_unknown_reader_is_resource_missing()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);

        var e = await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id, readerId: "tmr_doesnotexist"));

        Assert.Equal(HttpStatusCode.NotFound, e.HttpStatusCode);
        Assert.Equal("resource_missing", e.StripeError.Code);
    }

    [Fact]
    public async Task An_unknown_payment_intent_is_resource_missing_and_the_reader_is_untouched()
    {
        await using var s = await Scenario.StartAsync();

        var e = await Scenario.FailsAsync(() => s.ProcessAsync("pi_doesnotexist"));

        Assert.Equal(HttpStatusCode.NotFound, e.HttpStatusCode);
        Assert.Equal("resource_missing", e.StripeError.Code);
        Assert.Null((await s.GetReaderAsync()).Action);
    }

    [Theory]
    [InlineData("succeeded")]
    [InlineData("requires_capture")]
    [InlineData("canceled")]
    public async Task Only_a_requires_payment_method_intent_can_be_processed(string state)
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000, captureMethod: state == "requires_capture" ? "manual" : null);
        if (state == "canceled")
        {
            await s.Stripe.V1.PaymentIntents.CancelAsync(pi.Id);
        }
        else
        {
            await s.ProcessAsync(pi.Id);
            await s.PresentAsync(TestCards.Visa);
        }

        var e = await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id));

        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("intent_invalid_state", e.StripeError.Code);
        Assert.Equal(state, (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task An_offline_reader_answers_terminal_reader_offline()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        s.Emulator.Faults.SetReaderOffline(s.ReaderId);

        var e = await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id));
        var reader = await s.GetReaderAsync();

        Assert.Equal("terminal_reader_offline", e.StripeError.Code);
        Assert.Equal("offline", reader.Status);
        Assert.Null(reader.Action);

        s.Emulator.Faults.SetReaderOffline(s.ReaderId, offline: false);
        Assert.Equal("in_progress", (await s.ProcessAsync(pi.Id)).Action.Status);
    }

    /// <summary>
    /// "A second action while one is in progress is refused with terminal_reader_busy" (docs:
    /// terminal/payments/collect-card-payment, "Reader busy"; facts corrections table, row "One
    /// action at a time") — a double-clicked Charge or two tills on one reader never silently
    /// replace the payment already on the screen. cancel_action frees the reader.
    /// </summary>
    [Fact]
    public async Task A_second_payment_while_one_waits_for_a_card_is_terminal_reader_busy()
    {
        await using var s = await Scenario.StartAsync();
        var first = await s.CreatePaymentIntentAsync(1000);
        var second = await s.CreatePaymentIntentAsync(2000);
        await s.ProcessAsync(first.Id);

        var busy = await Scenario.FailsAsync(() => s.ProcessAsync(second.Id));
        var sameAgain = await Scenario.FailsAsync(() => s.ProcessAsync(first.Id));
        var still = await s.GetReaderAsync();
        await s.CancelActionAsync();
        var afterCancel = await s.ProcessAsync(second.Id);
        await s.PresentAsync(TestCards.Visa);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, busy.HttpStatusCode);
        Assert.Equal("terminal_reader_busy", busy.StripeError.Code);
        Assert.Equal("terminal_reader_busy", sameAgain.StripeError.Code);
        Assert.Equal(first.Id, still.Action.ProcessPaymentIntent.PaymentIntentId);
        Assert.Equal("in_progress", still.Action.Status);
        Assert.Equal(second.Id, afterCancel.Action.ProcessPaymentIntent.PaymentIntentId);
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(first.Id)).Status);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(second.Id)).Status);
        Assert.Equal(["canceled", "succeeded"], s.Emulator.GetLedger().ReaderActions.Select(a => a.Status));
    }

    /// <summary>Two tills at once on one reader: exactly one wins, the other is terminal_reader_busy (corrections table, "One action at a time").</summary>
    [Fact]
    public async Task Concurrent_actions_on_one_reader_leave_one_winner_and_the_rest_busy()
    {
        await using var s = await Scenario.StartAsync();
        var intents = new List<PaymentIntent>();
        for (var i = 0; i < 8; i++)
        {
            intents.Add(await s.CreatePaymentIntentAsync(1000 + i));
        }

        var attempts = intents.Select(pi => Task.Run(async () =>
        {
            try
            {
                return (pi.Id, Code: (string?)null, Reader: await s.ProcessAsync(pi.Id));
            }
            catch (StripeException e)
            {
                return (pi.Id, Code: e.StripeError?.Code, Reader: (Reader?)null);
            }
        })).ToArray();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r.Code is null);
        Assert.All(results.Where(r => r.Code is not null), r => Assert.Equal("terminal_reader_busy", r.Code));
        Assert.Equal(winner.Id, (await s.GetReaderAsync()).Action.ProcessPaymentIntent.PaymentIntentId);
        Assert.Single(s.Emulator.GetLedger().ReaderActions);
    }

    /// <summary>A cart on the screen does not get replaced by another cart while a payment waits: the payment is in progress.</summary>
    [Fact]
    public async Task A_cart_display_while_a_payment_waits_is_busy_and_a_payment_replaces_the_display()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1998);
        await s.ProcessAsync(pi.Id);
        var cart = new ReaderSetReaderDisplayOptions
        {
            Type = "cart",
            Cart = new ReaderCartOptions
            {
                Currency = "aud",
                LineItems = [new ReaderCartLineItemOptions { Amount = 659, Description = "Latte", Quantity = 1 }, new ReaderCartLineItemOptions { Amount = 1239, Description = "Bagel", Quantity = 1 }],
                Tax = 100,
                Total = 1998,
            },
        };

        var busy = await Scenario.FailsAsync(() => s.Stripe.V1.Terminal.Readers.SetReaderDisplayAsync(s.ReaderId, cart));
        await s.CancelActionAsync();
        var displaying = await s.Stripe.V1.Terminal.Readers.SetReaderDisplayAsync(s.ReaderId, cart);
        s.Time.Advance(TimeSpan.FromMinutes(10));
        var stillDisplaying = await s.GetReaderAsync();
        var paying = await s.ProcessAsync(pi.Id);

        Assert.Equal("terminal_reader_busy", busy.StripeError.Code);
        Assert.Equal("set_reader_display", displaying.Action.Type);
        Assert.Equal("in_progress", displaying.Action.Status);
        Assert.Equal(2, displaying.Action.SetReaderDisplay.Cart.LineItems.Count);
        Assert.Equal(1998, displaying.Action.SetReaderDisplay.Cart.Total);
        Assert.Equal("in_progress", stillDisplaying.Action.Status);
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(pi.Id)).Status);
        Assert.Equal("process_payment_intent", paying.Action.Type);
    }

    [Fact]
    public async Task A_reader_filling_in_a_form_is_busy()
    {
        await using var s = await Scenario.StartAsync();
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, CollectInputsTests.EmailForm());
        var pi = await s.CreatePaymentIntentAsync(1000);

        var e = await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id));

        Assert.Equal("terminal_reader_busy", e.StripeError.Code);
        Assert.Equal("collect_inputs", (await s.GetReaderAsync()).Action.Type);
    }

    [Fact]
    public async Task One_payment_intent_cannot_wait_on_two_readers_at_once()
    {
        await using var s = await Scenario.StartAsync();
        var other = await s.AddReaderAsync("simulated-s710");
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);

        var e = await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id, readerId: other));

        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Null((await s.GetReaderAsync(other)).Action);
    }

    [Fact]
    public async Task Presenting_a_card_when_nothing_waits_for_one_is_refused()
    {
        await using var s = await Scenario.StartAsync();

        var e = await Scenario.FailsAsync(() => s.PresentAsync(TestCards.Visa));

        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Empty(s.Emulator.GetLedger().Charges);
    }

    [Fact]
    public async Task A_setup_intent_saves_the_card_without_charging()
    {
        await using var s = await Scenario.StartAsync();
        var si = await s.Stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions());

        var waiting = await s.Stripe.V1.Terminal.Readers.ProcessSetupIntentAsync(s.ReaderId, new ReaderProcessSetupIntentOptions { SetupIntent = si.Id, AllowRedisplay = "always" });
        var done = await s.PresentAsync(TestCards.Mastercard);
        var saved = await s.Stripe.V1.SetupIntents.GetAsync(si.Id);

        Assert.Equal("process_setup_intent", waiting.Action.Type);
        Assert.Equal("in_progress", waiting.Action.Status);
        Assert.Equal("succeeded", done.Action.Status);
        Assert.NotNull(done.Action.ProcessSetupIntent.GeneratedCard);
        Assert.Equal("succeeded", saved.Status);
        Assert.Empty(s.Emulator.GetLedger().Charges);
    }

    [Fact]
    public async Task A_declining_card_fails_a_setup_intent()
    {
        await using var s = await Scenario.StartAsync();
        var si = await s.Stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions());
        await s.Stripe.V1.Terminal.Readers.ProcessSetupIntentAsync(s.ReaderId, new ReaderProcessSetupIntentOptions { SetupIntent = si.Id, AllowRedisplay = "limited" });

        var done = await s.PresentAsync(TestCards.Declined);
        var failed = await s.Stripe.V1.SetupIntents.GetAsync(si.Id);

        Assert.Equal("failed", done.Action.Status);
        Assert.Equal("setup_intent_authentication_failure", done.Action.ApiError.Code);
        Assert.Equal("requires_payment_method", failed.Status);
        Assert.Equal("setup_intent_authentication_failure", failed.LastSetupError.Code);
    }
}
