using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// Issue 15's new step, end to end on the emulator: the customer is asked for a receipt email on
/// the reader (<c>collect_inputs</c>), and what they enter is the PaymentIntent's <c>receipt_email</c>
/// before the card is presented.
/// </summary>
public sealed class CheckoutReceiptEmailTests
{
    [Fact]
    public async Task The_email_entered_on_the_reader_becomes_the_payment_intents_receipt_email()
    {
        await using var h = await CheckoutHarness.StartAsync();
        var stripe = h.Emulator.CreateStripeClient();

        LeaveTheFormToTheTestThenTap(h);
        var handle = await h.Checkout.StartAsync(h.Sale("email-1", 1200) with { CollectReceiptEmail = true });
        await WaitForTheFormAsync(h);
        await stripe.V1.TestHelpers.Terminal.Readers.SucceedInputCollectionAsync(h.ReaderId,
            new Stripe.TestHelpers.Terminal.ReaderSucceedInputCollectionOptions { SkipNonRequiredInputs = "none" });

        var paid = Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(handle));

        var intent = await stripe.V1.PaymentIntents.GetAsync(paid.PaymentIntentId);
        Assert.Equal("someone@example.com", intent.ReceiptEmail);
        Assert.Equal(1200, paid.AmountCaptured);
    }

    [Fact]
    public async Task A_skipped_form_takes_the_payment_without_an_email()
    {
        await using var h = await CheckoutHarness.StartAsync();
        var stripe = h.Emulator.CreateStripeClient();

        LeaveTheFormToTheTestThenTap(h);
        var handle = await h.Checkout.StartAsync(h.Sale("email-2", 1300) with { CollectReceiptEmail = true });
        await WaitForTheFormAsync(h);
        await stripe.V1.TestHelpers.Terminal.Readers.SucceedInputCollectionAsync(h.ReaderId,
            new Stripe.TestHelpers.Terminal.ReaderSucceedInputCollectionOptions { SkipNonRequiredInputs = "all" });

        var paid = Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(handle));

        Assert.Null((await stripe.V1.PaymentIntents.GetAsync(paid.PaymentIntentId)).ReceiptEmail);
    }

    [Fact]
    public async Task The_webhook_of_a_finished_form_reaches_its_checkout_though_it_names_no_payment_intent()
    {
        // Polls far apart: only the webhook can tell the checkout in time that the form is done.
        await using var h = await CheckoutHarness.StartAsync(configure: o => (o.PollInterval, o.BatchPollInterval) = (TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20)));
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(1)));

        var handle = await h.Checkout.StartAsync(h.Sale("email-3", 1400) with { CollectReceiptEmail = true });
        await h.RunUntilAsync(
            () => h.Emulator.RequestLog.Any(r => r.Operation == EmulatorOperations.CollectInputs && r.StatusCode == 200),
            max: TimeSpan.FromSeconds(5));
        await h.RunUntilAsync(
            () => h.Emulator.RequestLog.Any(r => r.IdempotencyKey == "stk:email-3:receipt_email:1" && r.StatusCode == 200),
            max: TimeSpan.FromSeconds(3));

        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(handle));
    }

    /// <summary>
    /// The customer is set up before the checkout starts: the card reader's prompt can come before the
    /// test's next line once the form is answered, and a customer who arrives after a prompt never sees it.
    /// </summary>
    private static void LeaveTheFormToTheTestThenTap(CheckoutHarness h) =>
        h.Emulator.Customer.Automate(prompt => prompt.ActionType == "collect_inputs"
            ? CustomerAction.WalkAway
            : CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(1)));

    private static async Task WaitForTheFormAsync(CheckoutHarness h)
    {
        for (var i = 0; i < 40; i++)
        {
            await h.RunForAsync(TimeSpan.FromMilliseconds(500));
            if (await h.Readers.GetCurrentActionAsync(h.ReaderId) is { Type: Readers.ReaderActionType.CollectInputs, Status: Readers.ReaderActionStatus.InProgress })
            {
                return;
            }
        }

        Assert.Fail("The receipt-email form never reached the reader.");
    }
}
