using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Contract.Tests.Targets;
using StripeTerminalKit.Idempotency;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Contract.Tests.Scenarios;

/// <summary>
/// The server-driven scenarios, written once against the kit's public API and run on every target
/// (see <c>Targets.cs</c>). What each scenario checks on Stripe's side it reads with a plain Stripe.net
/// client, so the emulator is held to what Stripe itself answers.
/// </summary>
/// <typeparam name="TTarget">Where the scenarios run.</typeparam>
public abstract class CheckoutScenarios<TTarget>(TTarget target) : IClassFixture<TTarget>
    where TTarget : ContractTarget
{
    // Stripe's documented test card numbers (docs: terminal/references/testing).
    private const string Visa = "4242424242424242";
    private const string Declined = "4000000000000002";
    private const string Interac = "4506445006931933";

    protected TTarget Target { get; } = target;

    [Fact]
    [Trait("Scenario", "pay")]
    public async Task Pay()
    {
        await using var shop = await Shop.OpenAsync(Target);
        var handle = await shop.Checkout.StartAsync(shop.Sale("pay", 1250));
        await shop.WaitForAsync(handle, CheckoutState.WaitingForCustomer);

        await shop.PresentAsync(Visa);
        var paid = Assert.IsType<CheckoutSucceeded>(await shop.CompleteAsync(handle));

        Assert.Equal((1250L, "visa", "4242"), (paid.AmountCaptured, paid.Network, paid.Last4));
        Assert.Equal("A0000000031010", paid.Receipt?.ApplicationId);
        Assert.Equal(shop.ReaderId, paid.Receipt?.ReaderId);
        var pi = await Target.Stripe.V1.PaymentIntents.GetAsync(paid.PaymentIntentId);
        Assert.Equal(("succeeded", 1250L), (pi.Status, pi.AmountReceived));
        Assert.Equal(handle.CheckoutId, pi.Metadata["stk_checkout_id"]);
    }

    [Fact]
    [Trait("Scenario", "decline-then-retry")]
    public async Task Decline_then_retry()
    {
        await using var shop = await Shop.OpenAsync(Target);
        var handle = await shop.Checkout.StartAsync(shop.Sale("decline-retry", 1500));
        await shop.WaitForAsync(handle, CheckoutState.WaitingForCustomer);

        await shop.PresentAsync(Declined);
        await shop.WaitForAsync(handle, CheckoutState.AwaitingRetry);
        Assert.Equal(CheckoutOperationStatus.Accepted, (await shop.Checkout.RetryAsync(handle.CheckoutId)).Status);
        await shop.WaitForAsync(handle, CheckoutState.WaitingForCustomer);
        await shop.PresentAsync(Visa);
        var paid = Assert.IsType<CheckoutSucceeded>(await shop.CompleteAsync(handle));

        Assert.Equal((2, 1500L), (paid.Attempts, paid.AmountCaptured));
        var charges = await Target.Stripe.V1.Charges.ListAsync(new ChargeListOptions { PaymentIntent = paid.PaymentIntentId });
        Assert.Equal(["failed", "succeeded"], charges.Data.Select(c => c.Status).Order(StringComparer.Ordinal));
    }

    [Fact]
    [Trait("Scenario", "cancel-mid-collect")]
    public async Task Cancel_mid_collect()
    {
        await using var shop = await Shop.OpenAsync(Target);
        var handle = await shop.Checkout.StartAsync(shop.Sale("cancel-mid", 1700));
        await shop.WaitForAsync(handle, CheckoutState.WaitingForCustomer);

        Assert.Equal(CheckoutOperationStatus.Accepted, (await shop.Checkout.CancelAsync(handle.CheckoutId)).Status);
        var canceled = Assert.IsType<CheckoutCanceled>(await shop.CompleteAsync(handle));

        Assert.Equal((CheckoutCanceledBy.Merchant, false), (canceled.CanceledBy, canceled.Voided));
        Assert.Equal("canceled", (await Target.Stripe.V1.PaymentIntents.GetAsync(canceled.PaymentIntentId)).Status);
        Assert.Null(await shop.Readers.GetCurrentActionAsync(shop.ReaderId) is { Status: Readers.ReaderActionStatus.InProgress } a ? a : null);
    }

    [Fact]
    [Trait("Scenario", "manual-capture")]
    public async Task Manual_capture()
    {
        await using var shop = await Shop.OpenAsync(Target);
        var handle = await shop.Checkout.StartAsync(shop.Sale("manual", 2600) with { CaptureMode = CheckoutCaptureMode.Manual });
        await shop.WaitForAsync(handle, CheckoutState.WaitingForCustomer);
        await shop.PresentAsync(Visa);
        var authorised = Assert.IsType<CheckoutSucceeded>(await shop.CompleteAsync(handle));
        Assert.False(authorised.Captured);
        Assert.Equal("requires_capture", (await Target.Stripe.V1.PaymentIntents.GetAsync(authorised.PaymentIntentId)).Status);

        var capture = await shop.WithinStepAsync(shop.Checkout.CaptureAsync(handle.CheckoutId));

        Assert.Equal((CheckoutOperationStatus.Succeeded, 2600L), (capture.Status, capture.Amount));
        var pi = await Target.Stripe.V1.PaymentIntents.GetAsync(authorised.PaymentIntentId);
        Assert.Equal(("succeeded", 2600L), (pi.Status, pi.AmountReceived));
    }

    [Fact]
    [Trait("Scenario", "partial-capture")]
    public async Task Partial_capture()
    {
        await using var shop = await Shop.OpenAsync(Target);
        var handle = await shop.Checkout.StartAsync(shop.Sale("partial", 3000) with { CaptureMode = CheckoutCaptureMode.Manual });
        await shop.WaitForAsync(handle, CheckoutState.WaitingForCustomer);
        await shop.PresentAsync(Visa);
        Assert.IsType<CheckoutSucceeded>(await shop.CompleteAsync(handle));

        var capture = await shop.WithinStepAsync(shop.Checkout.CaptureAsync(handle.CheckoutId, 2100));

        Assert.Equal((CheckoutOperationStatus.Succeeded, 2100L), (capture.Status, capture.Amount));
        var pi = await Target.Stripe.V1.PaymentIntents.GetAsync(handle.Result!.PaymentIntentId);
        Assert.Equal(("succeeded", 2100L, 3000L), (pi.Status, pi.AmountReceived, pi.Amount));
    }

    [Fact]
    [Trait("Scenario", "online-refund")]
    public async Task Online_refund()
    {
        await using var shop = await Shop.OpenAsync(Target);
        var handle = await shop.Checkout.StartAsync(shop.Sale("refund", 2000));
        await shop.WaitForAsync(handle, CheckoutState.WaitingForCustomer);
        await shop.PresentAsync(Visa);
        var paid = Assert.IsType<CheckoutSucceeded>(await shop.CompleteAsync(handle));

        var refund = await shop.WithinStepAsync(shop.Checkout.RefundAsync(handle.CheckoutId, 700));

        Assert.Equal((CheckoutOperationStatus.Succeeded, 700L), (refund.Status, refund.Amount));
        var refunds = await Target.Stripe.V1.Refunds.ListAsync(new RefundListOptions { PaymentIntent = paid.PaymentIntentId });
        Assert.Equal((refund.RefundId, 700L), (Assert.Single(refunds.Data).Id, refunds.Data[0].Amount));
        Assert.Equal(CheckoutState.PartiallyRefunded, (await shop.Checkout.GetAsync(handle.CheckoutId))!.State);
    }

    [Fact]
    [Trait("Scenario", "interac-in-person-refund")]
    public async Task Interac_in_person_refund()
    {
        await using var shop = await Shop.OpenAsync(Target, country: "CA");
        var handle = await shop.Checkout.StartAsync(shop.Sale("interac", 2400));
        await shop.WaitForAsync(handle, CheckoutState.WaitingForCustomer);
        await shop.PresentAsync(Interac, interac: true);
        var paid = Assert.IsType<CheckoutSucceeded>(await shop.CompleteAsync(handle));
        Assert.Equal(("interac", 2400L), (paid.Network, paid.AmountCaptured));

        var refunding = shop.Checkout.RefundAsync(handle.CheckoutId, 900);
        await shop.WaitForReaderActionAsync(Readers.ReaderActionType.RefundPayment);
        await shop.PresentAsync(Interac, interac: true);
        var refund = await shop.WithinStepAsync(refunding);

        Assert.Equal((CheckoutOperationStatus.Succeeded, 900L), (refund.Status, refund.Amount));
        var refunds = await Target.Stripe.V1.Refunds.ListAsync(new RefundListOptions { PaymentIntent = paid.PaymentIntentId });
        Assert.Equal(refund.RefundId, Assert.Single(refunds.Data).Id);
    }

    [Fact]
    [Trait("Scenario", "collect-inputs")]
    public async Task Collect_inputs()
    {
        await using var shop = await Shop.OpenAsync(Target);
        await shop.Readers.CollectInputsAsync(shop.ReaderId, new CollectInputsRequest([new EmailInput(new InputCustomText("Receipt by email?"))]));

        await Target.Stripe.V1.TestHelpers.Terminal.Readers.SucceedInputCollectionAsync(shop.ReaderId);
        var action = await shop.WithinStepAsync(shop.Readers.WaitForActionAsync(
            shop.ReaderId, new ReaderActionWaitOptions { ExpectedType = Readers.ReaderActionType.CollectInputs, PollInterval = Target.PollInterval }));

        Assert.Equal(Readers.ReaderActionStatus.Succeeded, action?.Status);
        var input = Assert.Single(action!.Inputs!);
        Assert.Equal((ReaderInputType.Email, "Receipt by email?"), (input.Type, input.Title));
    }

    [Fact]
    [Trait("Scenario", "cart-display")]
    public async Task Cart_display()
    {
        await using var shop = await Shop.OpenAsync(Target);
        var sale = shop.Sale("cart", 1100) with
        {
            CartLines = [new CheckoutCartLine("Flat white", 450, 2)],
            CartTax = 200,
        };
        var handle = await shop.Checkout.StartAsync(sale);
        var states = await shop.WaitForAsync(handle, CheckoutState.WaitingForCustomer);

        await shop.PresentAsync(Visa);
        var paid = Assert.IsType<CheckoutSucceeded>(await shop.CompleteAsync(handle));

        Assert.Contains(CheckoutState.DisplayingCart, states);
        Assert.Equal(1100L, paid.AmountCaptured);
    }

    [Fact]
    [Trait("Scenario", "idempotent-replay")]
    public async Task Idempotent_replay()
    {
        await using var shop = await Shop.OpenAsync(Target);
        var sale = shop.Sale("replay", 1900);
        var handle = await shop.Checkout.StartAsync(sale);
        await shop.WaitForAsync(handle, CheckoutState.WaitingForCustomer);

        // The till sends its start again (a retry after a lost answer): the same checkout, not a second payment.
        var again = await shop.Checkout.StartAsync(sale);
        await shop.PresentAsync(Visa);
        var paid = Assert.IsType<CheckoutSucceeded>(await shop.CompleteAsync(handle));
        Assert.Equal(handle.CheckoutId, again.CheckoutId);
        Assert.Equal(paid, await shop.CompleteAsync(again));

        // Below the checkout: one key, one PaymentIntent, whatever the parameters' order on the wire.
        var key = new TerminalCallOptions { IdempotencyKey = new IdempotencyKey(Shop.NewId("replay-key")) };
        var first = await shop.Payments.CreateAsync(new CreatePaymentRequest(800) { Currency = "aud", Metadata = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } }, key);
        var second = await shop.Payments.CreateAsync(new CreatePaymentRequest(800) { Currency = "aud", Metadata = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" } }, key);
        Assert.Equal(first.Id, second.Id);
        await shop.Payments.CancelAsync(first.Id);
    }

    [Fact]
    [Trait("Scenario", "busy-reader")]
    public async Task Busy_reader()
    {
        await using var shop = await Shop.OpenAsync(Target);
        // Another application (another till's software) is taking a payment on the same reader.
        var theirs = await Target.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 5100, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] });
        await Target.Stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(shop.ReaderId, new ReaderProcessPaymentIntentOptions { PaymentIntent = theirs.Id });

        var result = await shop.CompleteAsync(await shop.Checkout.StartAsync(shop.Sale("busy", 1200)));

        var failed = Assert.IsType<CheckoutFailed>(result);
        Assert.Equal((CheckoutFailureReason.ReaderBusy, "terminal_reader_busy"), (failed.Reason, failed.Code));
        Assert.Equal("canceled", (await Target.Stripe.V1.PaymentIntents.GetAsync(failed.PaymentIntentId)).Status);
        var reader = await Target.Stripe.V1.Terminal.Readers.GetAsync(shop.ReaderId);
        Assert.Equal(("in_progress", theirs.Id), (reader.Action?.Status, reader.Action?.ProcessPaymentIntent?.PaymentIntentId));
        await Target.Stripe.V1.Terminal.Readers.CancelActionAsync(shop.ReaderId);
        await Target.Stripe.V1.PaymentIntents.CancelAsync(theirs.Id);
    }
}

/// <summary>
/// Scenarios only an emulator can play: Stripe offers no test helper that presses cancel on a
/// simulated reader, so the customer's own cancel is checked where the emulator exposes it.
/// </summary>
/// <typeparam name="TTarget">A target that can press cancel on the reader.</typeparam>
public abstract class CustomerCancelScenarios<TTarget>(TTarget target) : IClassFixture<TTarget>
    where TTarget : ContractTarget
{
    [Fact]
    [Trait("Scenario", "customer-cancel")]
    public async Task Customer_cancel()
    {
        Assert.True(target.CanCustomerCancel, $"{target.Name} cannot press cancel on a reader; this scenario must not be declared for it.");
        await using var shop = await Shop.OpenAsync(target);
        var handle = await shop.Checkout.StartAsync(shop.Sale("customer-cancel", 1400));
        await shop.WaitForAsync(handle, CheckoutState.WaitingForCustomer);

        await target.CustomerCancelsAsync(shop.ReaderId);
        var canceled = Assert.IsType<CheckoutCanceled>(await shop.CompleteAsync(handle));

        Assert.Equal(CheckoutCanceledBy.Customer, canceled.CanceledBy);
        var pi = await target.Stripe.V1.PaymentIntents.GetAsync(canceled.PaymentIntentId);
        Assert.Equal(("canceled", "requested_by_customer"), (pi.Status, pi.CancellationReason));
    }
}
