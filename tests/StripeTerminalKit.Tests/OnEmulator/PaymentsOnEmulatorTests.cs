using StripeTerminalKit.Emulator;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Tests.TestSupport;

namespace StripeTerminalKit.Tests.OnEmulator;

public sealed class PaymentsOnEmulatorTests
{
    private static async Task<TerminalReader> ReaderAsync(TestKit kit, string country = "AU")
    {
        var address = country switch
        {
            "CA" => new TerminalAddress("CA", "1 Front St", null, "Toronto", "ON", "M5J 2N8"),
            "US" => new TerminalAddress("US", "1 Market St", null, "San Francisco", "CA", "94105"),
            _ => new TerminalAddress("AU", "1 Collins St", null, "Melbourne", "VIC", "3000"),
        };
        var location = await kit.Locations.CreateAsync(new CreateLocationRequest("Shop", address));
        return await kit.Readers.RegisterAsync(new RegisterReaderRequest("simulated-s700") { LocationId = location.Id });
    }

    private static Stripe.StripeClient Raw(TestKit kit) => kit.Emulator!.CreateStripeClient(TestSecrets.ApiKey);

    [Fact]
    public async Task Australian_payments_default_to_manual_preferred_card_present()
    {
        await using var kit = TestKit.OnEmulator("AU");

        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { Metadata = new Dictionary<string, string> { ["order"] = "42" } });
        var raw = await Raw(kit).V1.PaymentIntents.GetAsync(payment.Id);

        Assert.Equal(IntentStatus.RequiresPaymentMethod, payment.Status);
        Assert.Equal("aud", payment.Currency);
        Assert.Equal("42", payment.Metadata["order"]);
        Assert.Equal(["card_present"], raw.AllowedPaymentMethodTypes);
        Assert.Equal("automatic", raw.CaptureMethod);
        Assert.Equal("manual_preferred", raw.PaymentMethodOptions.CardPresent.CaptureMethod);
    }

    [Fact]
    public async Task Canadian_payments_accept_interac_and_capture_automatically()
    {
        await using var kit = TestKit.OnEmulator("CA");

        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));
        var raw = await Raw(kit).V1.PaymentIntents.GetAsync(payment.Id);

        Assert.Equal("cad", payment.Currency);
        Assert.Equal(["card_present", "interac_present"], raw.AllowedPaymentMethodTypes);
        Assert.Equal("automatic", raw.CaptureMethod);
    }

    /// <summary>Interac refuses capture_method=manual (changelog basil 2025-03-31; facts corrections table, "Interac capture").</summary>
    [Fact]
    public async Task Canadian_manual_capture_leaves_interac_out_and_refuses_it_when_asked()
    {
        await using var kit = TestKit.OnEmulator("CA");

        var manual = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { CaptureMethod = CaptureMethod.Manual });
        var raw = await Raw(kit).V1.PaymentIntents.GetAsync(manual.Id);
        var calls = kit.Emulator!.RequestLog.Count;
        var refused = await TestKit.ThrowsAsync<TerminalValidationException>(() =>
            kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { CaptureMethod = CaptureMethod.Manual, AllowInterac = true }));

        Assert.Equal(["card_present"], raw.AllowedPaymentMethodTypes);
        Assert.Equal("manual", raw.CaptureMethod);
        Assert.Equal("AllowInterac", refused.Parameter);
        Assert.Equal(calls, kit.Emulator.RequestLog.Count);
    }

    [Fact]
    public async Task Routing_extended_and_incremental_flags_reach_stripe()
    {
        await using var kit = TestKit.OnEmulator("AU");

        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(5000)
        {
            RoutingPriority = RoutingPriority.Domestic,
            RequestExtendedAuthorization = true,
            RequestIncrementalAuthorizationSupport = true,
        });
        var options = (await Raw(kit).V1.PaymentIntents.GetAsync(payment.Id)).PaymentMethodOptions.CardPresent;

        Assert.Equal("domestic", options.Routing.RequestedPriority);
        Assert.True(options.RequestExtendedAuthorization);
        Assert.True(options.RequestIncrementalAuthorizationSupport);
    }

    [Fact]
    public async Task Process_on_reader_then_capture_part_of_the_authorisation()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var reader = await ReaderAsync(kit);
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));

        var processing = await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);
        Assert.True(kit.Emulator!.Customer.Tap(reader.Id, TestCards.Visa));
        var action = await kit.Readers.WaitForActionAsync(reader.Id, new ReaderActionWaitOptions { ExpectedIntentId = payment.Id });
        var authorised = await kit.Payments.GetAsync(payment.Id);
        var captured = await kit.Payments.CaptureAsync(payment.Id, amountToCapture: 800);

        Assert.Equal(ReaderActionType.ProcessPaymentIntent, processing.Action!.Type);
        Assert.Equal(ReaderActionStatus.InProgress, processing.Action.Status);
        Assert.Equal(ReaderActionStatus.Succeeded, action!.Status);
        Assert.Equal(IntentStatus.RequiresCapture, authorised.Status);
        Assert.Equal(1000, authorised.AmountCapturable);
        Assert.Equal("visa", authorised.LatestCharge!.Card!.Brand);
        Assert.Equal("4242", authorised.LatestCharge.Card.Last4);
        Assert.Equal("card_present", authorised.LatestCharge.PaymentMethodType);
        Assert.Equal(IntentStatus.Succeeded, captured.Status);
        Assert.Equal(800, captured.AmountReceived);
    }

    [Fact]
    public async Task Eftpos_captures_at_once_under_manual_preferred()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var reader = await ReaderAsync(kit);
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));

        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);
        kit.Emulator!.Customer.Tap(reader.Id, TestCards.EftposAuDebit);
        var paid = await kit.Payments.GetAsync(payment.Id);

        Assert.Equal(IntentStatus.Succeeded, paid.Status);
        Assert.Equal("eftpos_au", paid.LatestCharge!.Network);
    }

    [Fact]
    public async Task A_decline_is_a_typed_failure_and_the_same_payment_can_be_retried()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var reader = await ReaderAsync(kit);
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));
        var scope = new StripeTerminalKit.Idempotency.IdempotencyScope("order-77");

        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id, callOptions: new TerminalCallOptions { IdempotencyScope = scope });
        kit.Emulator!.Customer.Tap(reader.Id, TestCards.InsufficientFunds);
        var failed = await kit.Readers.WaitForActionAsync(reader.Id);
        var declined = Assert.Throws<CardDeclinedException>(failed!.ThrowIfFailed);
        var afterDecline = await kit.Payments.GetAsync(payment.Id);

        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id, callOptions: new TerminalCallOptions { IdempotencyScope = scope.NextAttempt() });
        kit.Emulator.Customer.Tap(reader.Id, TestCards.Visa);
        var retried = await kit.Readers.WaitForActionAsync(reader.Id);

        Assert.Equal(ReaderActionFailureKind.CardDeclined, failed.Failure!.Kind);
        Assert.Equal("insufficient_funds", declined.DeclineCode);
        Assert.Equal(payment.Id, declined.PaymentIntentId);
        Assert.Equal(IntentStatus.RequiresPaymentMethod, afterDecline.Status);
        Assert.Equal("insufficient_funds", afterDecline.LastPaymentError!.DeclineCode);
        Assert.Equal(ReaderActionStatus.Succeeded, retried!.Status);
    }

    [Fact]
    public async Task A_customer_cancel_on_the_reader_is_a_typed_failure()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var reader = await ReaderAsync(kit);
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));

        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id, new PaymentCollectionOptions { EnableCustomerCancellation = true });
        Assert.True(kit.Emulator!.Customer.CancelOnReader(reader.Id));
        var failed = await kit.Readers.WaitForActionAsync(reader.Id);
        var canceled = Assert.Throws<CustomerCanceledException>(failed!.ThrowIfFailed);

        Assert.Equal(ReaderActionFailureKind.CustomerCanceled, failed.Failure!.Kind);
        Assert.Equal(reader.Id, canceled.ReaderId);
        Assert.Equal(payment.Id, canceled.IntentId);
    }

    [Fact]
    public async Task Collect_then_confirm_authorises_in_two_steps()
    {
        await using var kit = TestKit.OnEmulator("US");
        var reader = await ReaderAsync(kit, "US");
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(2500) { CaptureMethod = CaptureMethod.Manual });

        await kit.Payments.CollectOnReaderAsync(reader.Id, payment.Id);
        kit.Emulator!.Customer.Tap(reader.Id, TestCards.Mastercard);
        var collected = await kit.Readers.WaitForActionAsync(reader.Id);
        var beforeConfirm = await kit.Payments.GetAsync(payment.Id);
        await kit.Payments.ConfirmOnReaderAsync(reader.Id, payment.Id);
        var confirmed = await kit.Readers.WaitForActionAsync(reader.Id, new ReaderActionWaitOptions { ExpectedType = ReaderActionType.ConfirmPaymentIntent });
        var authorised = await kit.Payments.GetAsync(payment.Id);

        Assert.Equal(ReaderActionStatus.Succeeded, collected!.Status);
        Assert.Equal("mastercard", collected.CollectedCard!.Brand);
        Assert.Equal(IntentStatus.RequiresConfirmation, beforeConfirm.Status);
        Assert.Equal(ReaderActionStatus.Succeeded, confirmed!.Status);
        Assert.Equal(IntentStatus.RequiresCapture, authorised.Status);
    }

    [Fact]
    public async Task Update_the_amount_before_processing()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));

        var updated = await kit.Payments.UpdateAmountAsync(payment.Id, 1550);

        Assert.Equal(1550, updated.Amount);
        Assert.Equal(1550, (await kit.Payments.GetAsync(payment.Id)).Amount);
    }

    [Fact]
    public async Task Cancel_with_a_reason()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));

        var canceled = await kit.Payments.CancelAsync(payment.Id, PaymentCancellationReason.RequestedByCustomer);

        Assert.Equal(IntentStatus.Canceled, canceled.Status);
        Assert.Equal("requested_by_customer", canceled.CancellationReason);
    }

    [Fact]
    public async Task Capturing_an_unpaid_payment_is_an_intent_state_error()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));

        var error = await TestKit.ThrowsAsync<IntentStateException>(() => kit.Payments.CaptureAsync(payment.Id));

        Assert.NotNull(error.RequestId);
        Assert.Equal(1, kit.Emulator!.RequestLog.Count(r => r.Operation == EmulatorOperations.PaymentIntentsCapture));
    }

    [Fact]
    public async Task Refund_online_in_part_then_the_rest()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var reader = await ReaderAsync(kit);
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { CaptureMethod = CaptureMethod.Automatic });
        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);
        kit.Emulator!.Customer.Tap(reader.Id, TestCards.EftposAuVisaDebit);

        var part = await kit.Payments.RefundAsync(new CreateRefundRequest(payment.Id) { Amount = 300, Reason = RefundReason.RequestedByCustomer });
        var rest = await kit.Payments.RefundAsync(new CreateRefundRequest(payment.Id));
        var fetched = await kit.Payments.GetRefundAsync(rest.Id);
        var tooMuch = await TestKit.ThrowsAsync<InvalidRequestException>(() => kit.Payments.RefundAsync(new CreateRefundRequest(payment.Id) { Amount = 1 }));

        Assert.Equal((300L, RefundStatus.Succeeded, "requested_by_customer"), (part.Amount, part.Status, part.Reason));
        Assert.Equal(700, rest.Amount);
        Assert.Equal(payment.Id, fetched.PaymentIntentId);
        Assert.Equal(1000, (await kit.Payments.GetAsync(payment.Id)).LatestCharge!.AmountRefunded);
        Assert.NotNull(tooMuch.RequestId);
    }

    [Fact]
    public async Task Refund_interac_in_person_on_the_reader()
    {
        await using var kit = TestKit.OnEmulator("CA");
        var reader = await ReaderAsync(kit, "CA");
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(2000));
        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);
        kit.Emulator!.Customer.Tap(reader.Id, TestCards.Interac);
        var paid = await kit.Payments.GetAsync(payment.Id);

        var started = await kit.Payments.RefundOnReaderAsync(reader.Id, new InPersonRefundRequest { PaymentIntentId = payment.Id, Amount = 500 });
        kit.Emulator.Customer.Tap(reader.Id, TestCards.Interac);
        var refunded = await kit.Readers.WaitForActionAsync(reader.Id, new ReaderActionWaitOptions { ExpectedType = ReaderActionType.RefundPayment });
        var refund = await kit.Payments.GetRefundAsync(refunded!.RefundId!);

        Assert.Equal("interac_present", paid.LatestCharge!.PaymentMethodType);
        Assert.Equal(ReaderActionType.RefundPayment, started.Action!.Type);
        Assert.Equal(ReaderActionStatus.Succeeded, refunded.Status);
        Assert.Equal(500, refund.Amount);
        Assert.Equal(RefundStatus.Succeeded, refund.Status);
    }

    /// <summary>
    /// "In-person refunds are only available on Interac" (docs: terminal/features/refunds; facts
    /// corrections table, row "In-person refunds"). Outside Canada there is no Interac, so the
    /// kit refuses before any call; the message says to refund online.
    /// </summary>
    [Fact]
    public async Task A_reader_refund_outside_canada_is_refused_before_any_call()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var reader = await ReaderAsync(kit);
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(2000));
        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);
        kit.Emulator!.Customer.Tap(reader.Id, TestCards.Visa);
        await kit.Readers.WaitForActionAsync(reader.Id, new ReaderActionWaitOptions { ExpectedIntentId = payment.Id });
        var callsBefore = kit.Emulator.RequestLog.Count;

        var e = await TestKit.ThrowsAsync<TerminalValidationException>(() =>
            kit.Payments.RefundOnReaderAsync(reader.Id, new InPersonRefundRequest { PaymentIntentId = payment.Id }));

        Assert.Equal("in_person_refund_requires_interac", e.ErrorCode);
        Assert.Equal("PaymentIntentId", e.Parameter);
        Assert.Contains("RefundAsync", e.Message, StringComparison.Ordinal);
        Assert.Equal(callsBefore, kit.Emulator.RequestLog.Count);
        Assert.Empty(kit.Emulator.GetLedger().Refunds);
    }

    /// <summary>
    /// In Canada a payment may be Interac or Visa: the kit reads the payment once and refuses a
    /// non-Interac one before <c>refund_payment</c> is sent (docs: terminal/features/refunds).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_reader_refund_of_a_canadian_visa_payment_is_refused_before_the_reader_is_asked(bool byCharge)
    {
        await using var kit = TestKit.OnEmulator("CA");
        var reader = await ReaderAsync(kit, "CA");
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(2000));
        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);
        kit.Emulator!.Customer.Tap(reader.Id, TestCards.Visa);
        await kit.Readers.WaitForActionAsync(reader.Id, new ReaderActionWaitOptions { ExpectedIntentId = payment.Id });
        var paid = await kit.Payments.GetAsync(payment.Id);
        var request = byCharge ? new InPersonRefundRequest { ChargeId = paid.LatestChargeId } : new InPersonRefundRequest { PaymentIntentId = payment.Id };

        var e = await TestKit.ThrowsAsync<TerminalValidationException>(() => kit.Payments.RefundOnReaderAsync(reader.Id, request));

        Assert.Equal("in_person_refund_requires_interac", e.ErrorCode);
        Assert.Equal(byCharge ? "ChargeId" : "PaymentIntentId", e.Parameter);
        Assert.DoesNotContain(kit.Emulator.RequestLog, r => r.Path.EndsWith("/refund_payment", StringComparison.Ordinal));
        Assert.Equal("process_payment_intent", (await Raw(kit).V1.Terminal.Readers.GetAsync(reader.Id)).Action.Type);
        Assert.Empty(kit.Emulator.GetLedger().Refunds);
    }

    [Fact]
    public async Task Save_a_card_with_a_setup_intent_on_the_reader()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var reader = await ReaderAsync(kit);

        var setup = await kit.Payments.CreateSetupIntentAsync(new CreateSetupIntentRequest { Metadata = new Dictionary<string, string> { ["member"] = "9" } });
        await kit.Payments.SaveCardOnReaderAsync(reader.Id, setup.Id, AllowRedisplay.Always);
        kit.Emulator!.Customer.Tap(reader.Id, TestCards.Visa);
        var action = await kit.Readers.WaitForActionAsync(reader.Id, new ReaderActionWaitOptions { ExpectedIntentId = setup.Id });
        var saved = await kit.Payments.GetSetupIntentAsync(setup.Id);

        Assert.Equal(IntentStatus.RequiresPaymentMethod, setup.Status);
        Assert.Equal(ReaderActionStatus.Succeeded, action!.Status);
        Assert.StartsWith("pm_", action.GeneratedCardId, StringComparison.Ordinal);
        Assert.Equal(IntentStatus.Succeeded, saved.Status);
        Assert.Equal("off_session", saved.Usage);
        Assert.Equal("9", saved.Metadata["member"]);
    }

    [Fact]
    public async Task An_abandoned_setup_intent_can_be_canceled()
    {
        await using var kit = TestKit.OnEmulator("AU");

        var setup = await kit.Payments.CreateSetupIntentAsync(new CreateSetupIntentRequest());
        var canceled = await kit.Payments.CancelSetupIntentAsync(setup.Id);

        Assert.Equal(IntentStatus.Canceled, canceled.Status);
    }

    [Fact]
    public async Task Tipping_settings_reach_the_reader_and_the_tip_is_added()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var reader = await ReaderAsync(kit);
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));

        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id, new PaymentCollectionOptions { TipEligibleAmount = 800 });
        var onReader = await Raw(kit).V1.Terminal.Readers.GetAsync(reader.Id);
        kit.Emulator!.Customer.Tap(reader.Id, TestCards.Visa, tip: 150);
        var paid = await kit.Payments.GetAsync(payment.Id);

        Assert.Equal(800, onReader.Action.ProcessPaymentIntent.ProcessConfig.Tipping.AmountEligible);
        Assert.Equal(1150, paid.Amount);
    }

    [Fact]
    public async Task Skip_tipping_is_sent_to_the_reader()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var reader = await ReaderAsync(kit);
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));

        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id, new PaymentCollectionOptions { SkipTipping = true });
        var onReader = await Raw(kit).V1.Terminal.Readers.GetAsync(reader.Id);

        Assert.True(onReader.Action.ProcessPaymentIntent.ProcessConfig.SkipTipping);
    }

    [Fact]
    public async Task Incremental_authorisation_raises_the_authorised_amount()
    {
        await using var kit = TestKit.OnEmulator("US");
        var reader = await ReaderAsync(kit, "US");
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000)
        {
            CaptureMethod = CaptureMethod.Manual,
            RequestIncrementalAuthorizationSupport = true,
        });
        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);
        kit.Emulator!.Customer.Tap(reader.Id, TestCards.Visa);

        var raised = await kit.Payments.IncrementAuthorizationAsync(payment.Id, 1500);

        Assert.Equal(1500, raised.Amount);
        Assert.Equal(1500, raised.AmountCapturable);
    }

    [Fact]
    public async Task Every_call_carries_the_connected_account()
    {
        await using var kit = TestKit.OnEmulator("AU", o => o.ConnectedAccount = "acct_1Default");

        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));
        var fetched = await kit.Payments.GetAsync(payment.Id);
        var otherAccount = await TestKit.ThrowsAsync<ResourceNotFoundException>(() =>
            kit.Payments.GetAsync(payment.Id, new TerminalCallOptions { ConnectedAccount = "acct_1Other" }));

        var log = kit.Emulator!.RequestLog;
        Assert.Equal(payment.Id, fetched.Id);
        Assert.Equal("acct_1Default", log.Single(r => r.Operation == EmulatorOperations.PaymentIntentsCreate).StripeAccount);
        Assert.Equal(["acct_1Default", "acct_1Other"], log.Where(r => r.Operation == EmulatorOperations.PaymentIntentsGet).Select(r => r.StripeAccount));
    }

    [Fact]
    public async Task A_false_reader_timeout_is_checked_by_reading_the_reader_and_not_resent()
    {
        await using var kit = TestKit.OnEmulator("AU");
        var reader = await ReaderAsync(kit);
        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));
        using var fault = kit.Emulator!.Faults.Add(new FaultRule(FaultKind.ReaderTimeoutAfterDelivery) { Operation = EmulatorOperations.ProcessPaymentIntent, MaxTimes = 1 });

        var result = await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);

        Assert.Equal(ReaderActionType.ProcessPaymentIntent, result.Action!.Type);
        Assert.Equal(payment.Id, result.Action.PaymentIntentId);
        Assert.Equal(1, kit.Emulator.RequestLog.Count(r => r.Operation == EmulatorOperations.ProcessPaymentIntent));
        Assert.Equal(1, kit.Emulator.RequestLog.Count(r => r.Operation == EmulatorOperations.ReadersGet));
    }

    [Fact]
    public async Task A_lost_response_is_retried_with_the_same_key_and_replayed()
    {
        await using var kit = TestKit.OnEmulator("AU");
        using var fault = kit.Emulator!.Faults.Add(new FaultRule(FaultKind.ResponseLost) { Operation = EmulatorOperations.PaymentIntentsCreate, MaxTimes = 1 });

        var (payment, delays) = await kit.Time.RunAdvancingAsync(() =>
            kit.Payments.CreateAsync(new CreatePaymentRequest(1000), TerminalCallOptions.ForScope("order-9")));

        var creates = kit.Emulator.RequestLog.Where(r => r.Operation == EmulatorOperations.PaymentIntentsCreate).ToArray();
        Assert.Equal(2, creates.Length);
        Assert.Single(creates.Select(r => r.IdempotencyKey).Distinct());
        Assert.Equal("stk:order-9:payment_intents.create:1", creates[0].IdempotencyKey);
        Assert.True(creates[1].Replayed);
        Assert.Single(kit.Emulator.GetLedger().PaymentIntents);
        Assert.Equal(payment.Id, kit.Emulator.GetLedger().PaymentIntents[0].Id);
        Assert.Single(delays);
    }

    [Fact]
    public async Task The_same_scope_replays_and_a_new_attempt_creates_anew()
    {
        await using var kit = TestKit.OnEmulator("AU");

        var first = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000), TerminalCallOptions.ForScope("order-5"));
        var again = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000), TerminalCallOptions.ForScope("order-5"));
        var next = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000), TerminalCallOptions.ForScope("order-5", attempt: 2));

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, next.Id);
    }
}
