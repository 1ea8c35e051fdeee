using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// Issue 13 item 13: a reader handles one action at a time and refuses a second with
/// <c>terminal_reader_busy</c> (docs: terminal/payments/collect-card-payment, "Reader busy").
/// A checkout whose reader is busy with another application's action ends failed (reader busy),
/// leaves that action alone and cancels its own PaymentIntent; a start sent twice at once for one
/// checkout id stays one checkout.
/// </summary>
public sealed class ReaderContentionTests
{
    [Fact]
    public async Task A_reader_busy_with_another_applications_payment_ends_the_checkout_reader_busy_and_leaves_that_payment_alone()
    {
        await using var h = await CheckoutHarness.StartAsync();
        var other = h.Emulator.CreateStripeClient();
        var theirs = await other.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 5000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] });
        await other.V1.Terminal.Readers.ProcessPaymentIntentAsync(h.ReaderId, new ReaderProcessPaymentIntentOptions { PaymentIntent = theirs.Id });

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("contended-1", 1200)));

        var failed = Assert.IsType<CheckoutFailed>(result);
        Assert.Equal((CheckoutFailureReason.ReaderBusy, "terminal_reader_busy"), (failed.Reason, failed.Code));
        var ledger = h.Emulator.GetLedger();
        Assert.Equal("canceled", ledger.PaymentIntents.Single(p => p.Id == failed.PaymentIntentId).Status);
        Assert.DoesNotContain(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.CancelAction);
        var reader = await other.V1.Terminal.Readers.GetAsync(h.ReaderId);
        Assert.Equal(("process_payment_intent", "in_progress", theirs.Id), (reader.Action?.Type, reader.Action?.Status, reader.Action?.ProcessPaymentIntent?.PaymentIntentId));

        // Their customer still pays on the reader the checkout never took over.
        Assert.True(h.Emulator.Customer.Tap(h.ReaderId, TestCards.Visa));
        Assert.Equal("succeeded", (await other.V1.PaymentIntents.GetAsync(theirs.Id)).Status);
    }

    [Fact]
    public async Task A_reader_collecting_another_applications_inputs_is_not_taken_over()
    {
        await using var h = await CheckoutHarness.StartAsync();
        var other = h.Emulator.CreateStripeClient();
        // Another till's software asks the customer for an email on the same reader.
        await h.Readers.CollectInputsAsync(h.ReaderId, new Readers.CollectInputsRequest([new Readers.EmailInput(new Readers.InputCustomText("Your email"))]));

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("contended-2", 1300)));

        Assert.Equal(CheckoutFailureReason.ReaderBusy, Assert.IsType<CheckoutFailed>(result).Reason);
        Assert.Equal("canceled", Assert.Single(h.Emulator.GetLedger().PaymentIntents).Status);
        var reader = await other.V1.Terminal.Readers.GetAsync(h.ReaderId);
        Assert.Equal(("collect_inputs", "in_progress"), (reader.Action?.Type, reader.Action?.Status));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_double_clicked_start_of_one_checkout_id_stays_one_checkout(bool twoInstances)
    {
        await using var h = await CheckoutHarness.StartAsync();
        var second = twoInstances ? h.StartAnotherInstance() : null;
        try
        {
            h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = Task.Run(async () => { await go.Task; return await h.Checkout.StartAsync(h.Sale("double-click", 2100)); });
            var again = Task.Run(async () => { await go.Task; return await (second ?? h).Checkout.StartAsync(h.Sale("double-click", 2100)); });
            go.SetResult();
            var handles = await Task.WhenAll(first, again);

            Assert.All(handles, x => Assert.Equal("double-click", x.CheckoutId));
            if (!twoInstances)
            {
                Assert.Same(handles[0], handles[1]);
            }

            await h.RunUntilAsync(() => handles.Any(x => x.HasCompleted));
            await h.SettleAsync();
            if (second is not null)
            {
                await second.SettleAsync();
            }

            var ledger = h.Emulator.GetLedger();
            var pi = Assert.Single(ledger.PaymentIntents);
            Assert.Equal(("succeeded", 2100L), (pi.Status, pi.AmountReceived));
            Assert.Single(ledger.Charges);
            Assert.Equal(1, h.Emulator.RequestLog.Count(r => r.Operation == EmulatorOperations.ProcessPaymentIntent && !r.Replayed && r.StatusCode == 200));
            Assert.Equal(CheckoutState.Succeeded, (await h.Checkout.GetAsync("double-click"))!.State);
        }
        finally
        {
            if (second is not null)
            {
                await second.Services.DisposeAsync();
            }
        }
    }
}
