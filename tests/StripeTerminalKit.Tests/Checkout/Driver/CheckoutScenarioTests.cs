using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// End-to-end scenarios of issue 4 on the emulator and a fake clock. Every test checks what
/// Stripe holds (the emulator's ledger: PaymentIntents, charges, captures, refunds) and what was
/// sent (its request log), not only the result the kit reports.
/// </summary>
public sealed class CheckoutScenarioTests
{
    private static readonly TimeSpan TapAfter = TimeSpan.FromSeconds(3);

    // ---- Success ----------------------------------------------------------------------------

    [Fact]
    public async Task Automatic_capture_is_captured_by_Stripe_at_authorisation_with_no_capture_call()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));

        var handle = await h.Checkout.StartAsync(h.Sale("auto-1", 2300) with { CaptureMode = CheckoutCaptureMode.Automatic });
        var result = await h.CompleteAsync(handle);

        var ok = Assert.IsType<CheckoutSucceeded>(result);
        var ledger = h.Emulator.GetLedger();
        var pi = Assert.Single(ledger.PaymentIntents);
        var charge = Assert.Single(ledger.Charges);
        Assert.Equal(("succeeded", "automatic", 2300L), (pi.Status, pi.CaptureMethod, pi.AmountReceived));
        Assert.Equal((true, 2300L, 0L, false), (charge.Captured, charge.AmountCaptured, charge.AmountRefunded, charge.Voided));
        Assert.Equal((2300L, 2300L, true), (ok.Amount, ok.AmountCaptured, ok.Captured));
        Assert.Equal((pi.Id, charge.Id), (ok.PaymentIntentId, ok.ChargeId));
        Assert.Equal(CheckoutState.Succeeded, handle.State);
        Assert.Equal(0, Count(h, EmulatorOperations.PaymentIntentsCapture));
        Assert.Empty(ledger.Refunds);
    }

    [Fact]
    public async Task Manual_capture_holds_the_authorisation_until_the_caller_captures_it()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Mastercard, TapAfter));

        var handle = await h.Checkout.StartAsync(h.Sale("manual-1", 2300) with { CaptureMode = CheckoutCaptureMode.Manual });
        var result = await h.CompleteAsync(handle);

        var ok = Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal((2300L, 0L, false), (ok.Amount, ok.AmountCaptured, ok.Captured));
        Assert.Equal(CheckoutState.Authorized, handle.State);
        var held = Assert.Single(h.Emulator.GetLedger().PaymentIntents);
        Assert.Equal(("requires_capture", 2300L, 0L), (held.Status, held.AmountCapturable, held.AmountReceived));
        Assert.False(Assert.Single(h.Emulator.GetLedger().Charges).Captured);
        Assert.Equal(0, Count(h, EmulatorOperations.PaymentIntentsCapture));

        var capture = await OperateAsync(h, () => h.Checkout.CaptureAsync("manual-1"));

        Assert.Equal((CheckoutOperationStatus.Succeeded, 2300L), (capture.Status, capture.Amount));
        var ledger = h.Emulator.GetLedger();
        Assert.Equal(("succeeded", 2300L), (Assert.Single(ledger.PaymentIntents).Status, Assert.Single(ledger.PaymentIntents).AmountReceived));
        Assert.Equal((true, 2300L), (Assert.Single(ledger.Charges).Captured, Assert.Single(ledger.Charges).AmountCaptured));
        Assert.Equal(1, Count(h, EmulatorOperations.PaymentIntentsCapture));
        Assert.Equal(CheckoutState.Succeeded, (await h.Checkout.GetAsync("manual-1"))!.State);
    }

    [Theory]
    [InlineData(CheckoutCaptureMode.CountryDefault)]
    [InlineData(CheckoutCaptureMode.Manual)]
    public async Task A_tip_chosen_on_the_reader_is_authorised_and_captured_with_the_sale(CheckoutCaptureMode mode)
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter, tip: 250));

        var handle = await h.Checkout.StartAsync(h.Sale("tip-1", 2000) with { CaptureMode = mode });
        var ok = Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(handle));
        if (mode == CheckoutCaptureMode.Manual)
        {
            Assert.Equal(0, ok.AmountCaptured);
            Assert.Equal(CheckoutOperationStatus.Succeeded, (await OperateAsync(h, () => h.Checkout.CaptureAsync("tip-1"))).Status);
        }

        Assert.Equal((2250L, 250L), (ok.Amount, ok.TipAmount));
        var ledger = h.Emulator.GetLedger();
        var pi = Assert.Single(ledger.PaymentIntents);
        Assert.Equal(("succeeded", 2250L, 250L, 2250L), (pi.Status, pi.Amount, pi.TipAmount, pi.AmountReceived));
        Assert.Equal(2250, Assert.Single(ledger.Charges).AmountCaptured);
        Assert.Equal(1, Count(h, EmulatorOperations.PaymentIntentsCapture));
    }

    [Fact]
    public async Task Eftpos_in_Australia_with_manual_capture_is_still_captured_in_one_step()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.EftposAuDebit, TapAfter));

        var handle = await h.Checkout.StartAsync(h.Sale("eftpos-manual", 3000) with { CaptureMode = CheckoutCaptureMode.Manual });
        var ok = Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(handle));

        // Plain manual capture would decline eftpos: the kit asks for manual_preferred, and the
        // single-message network captures at once, so the checkout ends captured, not authorised.
        Assert.Equal(("eftpos_au", 3000L, true), (ok.Network, ok.AmountCaptured, ok.Captured));
        Assert.Equal(CheckoutState.Succeeded, handle.State);
        var ledger = h.Emulator.GetLedger();
        var pi = Assert.Single(ledger.PaymentIntents);
        Assert.Equal(("succeeded", "manual_preferred", 3000L), (pi.Status, pi.CaptureMethod, pi.AmountReceived));
        var charge = Assert.Single(ledger.Charges);
        Assert.Equal(("eftpos_au", true, 3000L), (charge.Network, charge.Captured, charge.AmountCaptured));
        Assert.Equal(0, Count(h, EmulatorOperations.PaymentIntentsCapture));

        // Nothing is left to capture, and saying so costs no Stripe call.
        var sent = h.Emulator.RequestLog.Count;
        var capture = await OperateAsync(h, () => h.Checkout.CaptureAsync("eftpos-manual"));
        Assert.Equal((CheckoutOperationStatus.Rejected, CheckoutOperationRejection.AlreadyCaptured), (capture.Status, capture.Rejection));
        Assert.Equal(sent, h.Emulator.RequestLog.Count);
    }

    [Fact]
    public async Task The_cart_is_shown_on_the_reader_before_the_payment_with_its_line_totals()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        // Hold the payment command a moment so the cart can be seen on the reader.
        h.Emulator.Faults.Add(new FaultRule(FaultKind.SlowReaderAck) { Operation = EmulatorOperations.ProcessPaymentIntent, Delay = TimeSpan.FromMilliseconds(500) });
        var request = h.Sale("cart-1", 1650) with
        {
            CartLines = [new CheckoutCartLine("Flat white", 450, 2), new CheckoutCartLine("Banana bread", 600, 1)],
            CartTax = 150,
        };

        var handle = await h.Checkout.StartAsync(request);
        await h.RunUntilAsync(() => handle.State == CheckoutState.SendingToReader);
        var shown = (await h.Readers.GetAsync(h.ReaderId)).Action;
        var result = await h.CompleteAsync(handle);

        Assert.NotNull(shown);
        Assert.Equal("set_reader_display", shown.StripeType);
        var cart = shown.Cart!;
        Assert.Equal("aud", cart.Currency);
        Assert.Equal([("Flat white", 450L, 2, 900L), ("Banana bread", 600L, 1, 600L)], cart.LineItems.Select(l => (l.Description, l.UnitAmount, l.Quantity, l.LineTotal)));
        Assert.Equal((150L, 1650L), (cart.Tax, cart.Total));
        Assert.Equal(1650, Assert.IsType<CheckoutSucceeded>(result).AmountCaptured);
        var calls = h.Emulator.RequestLog.Select(r => r.Operation)
            .Where(o => o is EmulatorOperations.PaymentIntentsCreate or EmulatorOperations.SetReaderDisplay or EmulatorOperations.ProcessPaymentIntent)
            .ToArray();
        Assert.Equal([EmulatorOperations.PaymentIntentsCreate, EmulatorOperations.SetReaderDisplay, EmulatorOperations.ProcessPaymentIntent], calls);
        Assert.Equal(1650, Assert.Single(h.Emulator.GetLedger().Charges).AmountCaptured);
    }

    // ---- Cancellation -----------------------------------------------------------------------

    [Fact]
    public async Task Cancelling_before_the_tap_cancels_the_reader_action_and_the_PaymentIntent_and_no_card_is_charged()
    {
        await using var h = await CheckoutHarness.StartAsync();
        var handle = await h.Checkout.StartAsync(h.Sale("cancel-early", 1800));
        await h.RunUntilAsync(() => handle.State == CheckoutState.WaitingForCustomer);

        var cancel = await h.Checkout.CancelAsync("cancel-early");
        var result = await h.CompleteAsync(handle);

        Assert.Equal(CheckoutOperationStatus.Accepted, cancel.Status);
        var canceled = Assert.IsType<CheckoutCanceled>(result);
        Assert.Equal((CheckoutCanceledBy.Merchant, false, 0L), (canceled.CanceledBy, canceled.Voided, canceled.AmountRefunded));
        Assert.Equal(CheckoutState.Canceled, handle.State);
        var ledger = h.Emulator.GetLedger();
        Assert.Equal("canceled", Assert.Single(ledger.PaymentIntents).Status);
        Assert.Empty(ledger.Charges);
        Assert.NotEqual("in_progress", Assert.Single(ledger.ReaderActions, a => a.Type == "process_payment_intent").Status);
        Assert.Equal((1, 1), (Count(h, EmulatorOperations.CancelAction), Count(h, EmulatorOperations.PaymentIntentsCancel)));

        // A card tapped now finds nothing to pay.
        Assert.False(h.Emulator.Customer.Tap(h.ReaderId, TestCards.Visa));
        Assert.Empty(h.Emulator.GetLedger().Charges);
    }

    [Fact]
    public async Task Cancelling_before_the_PaymentIntent_exists_never_hands_anything_to_the_reader()
    {
        await using var h = await CheckoutHarness.StartAsync();
        // The PaymentIntent's creation takes two seconds (of the harness's clock), so the cancel
        // surely arrives before it exists: on a busy machine the checkout could otherwise create it
        // and hand it to the reader before the cancel is even sent, and the test would be about luck.
        h.Emulator.Faults.Add(new FaultRule(FaultKind.SlowReaderAck) { Operation = EmulatorOperations.PaymentIntentsCreate, Delay = TimeSpan.FromSeconds(2) });
        var handle = await h.Checkout.StartAsync(h.Sale("cancel-at-once", 1800));

        var cancel = await h.Checkout.CancelAsync("cancel-at-once");
        var result = await h.CompleteAsync(handle);

        Assert.Equal(CheckoutOperationStatus.Accepted, cancel.Status);
        Assert.Equal(CheckoutCanceledBy.Merchant, Assert.IsType<CheckoutCanceled>(result).CanceledBy);
        var ledger = h.Emulator.GetLedger();
        Assert.All(ledger.PaymentIntents, pi => Assert.Equal("canceled", pi.Status));
        Assert.True(ledger.PaymentIntents.Count <= 1);
        Assert.Empty(ledger.Charges);
        Assert.Equal(0, Count(h, EmulatorOperations.ProcessPaymentIntent));
    }

    [Fact]
    public async Task A_cancelled_token_on_RunAsync_cancels_the_checkout()
    {
        await using var h = await CheckoutHarness.StartAsync();
        using var cts = new CancellationTokenSource();
        var run = h.Checkout.RunAsync(h.Sale("token-cancel", 900), cts.Token);
        await h.RunUntilAsync(() => h.Emulator.GetLedger().ReaderActions.Count > 0);

        await cts.CancelAsync();
        await h.RunUntilAsync(() => run.IsCompleted);

        Assert.Equal(CheckoutCanceledBy.Merchant, Assert.IsType<CheckoutCanceled>(await run).CanceledBy);
        Assert.Equal("canceled", Assert.Single(h.Emulator.GetLedger().PaymentIntents).Status);
        Assert.Empty(h.Emulator.GetLedger().Charges);
    }

    [Theory]
    [InlineData(TestCards.Visa, false, false)]
    [InlineData(TestCards.EftposAuDebit, true, false)]
    [InlineData(TestCards.EftposAuDebit, true, true)]
    public async Task Cancelling_during_the_authorisation_waits_for_its_outcome_then_voids_it_or_refunds_a_one_step_capture(string card, bool singleMessage, bool refundAnswerLost)
    {
        await using var h = await CheckoutHarness.StartAsync(
            emulatorOptions: new StripeEmulatorOptions { AuthorizationDelay = TimeSpan.FromSeconds(3) },
            kit: o => o.Retry.MaxRetries = refundAnswerLost ? 0 : o.Retry.MaxRetries);
        if (refundAnswerLost)
        {
            h.Emulator.Faults.Add(new FaultRule(FaultKind.ResponseLost) { Operation = EmulatorOperations.RefundsCreate, NthMatch = 1 });
        }

        var handle = await h.Checkout.StartAsync(h.Sale("cancel-auth", 4200));
        await h.RunUntilAsync(() => handle.State == CheckoutState.WaitingForCustomer);
        Assert.True(h.Emulator.Customer.Tap(h.ReaderId, card));

        // The card is being authorised for the next 3 s: the reader cannot stop now.
        var cancel = await h.Checkout.CancelAsync("cancel-auth");
        var result = await h.CompleteAsync(handle);

        Assert.Equal(CheckoutOperationStatus.Accepted, cancel.Status);
        Assert.Contains(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.CancelAction && r.ErrorCode == "terminal_reader_busy");
        var canceled = Assert.IsType<CheckoutCanceled>(result);
        var ledger = h.Emulator.GetLedger();
        var pi = Assert.Single(ledger.PaymentIntents);
        var charge = Assert.Single(ledger.Charges);
        Assert.Equal(0, Count(h, EmulatorOperations.PaymentIntentsCapture));
        if (singleMessage)
        {
            // eftpos captured in one step: cancelling means refunding all of it.
            Assert.Equal((false, 4200L), (canceled.Voided, canceled.AmountRefunded));
            var refund = Assert.Single(ledger.Refunds);
            Assert.Equal(4200L, refund.Amount);
            // Even when its answer was lost, the refund is found again by the key it carries.
            Assert.Equal(refund.Id, canceled.RefundId);
            Assert.Equal(("eftpos_au", true, 4200L, 4200L), (charge.Network, charge.Captured, charge.AmountCaptured, charge.AmountRefunded));
            Assert.Equal("succeeded", pi.Status);
        }
        else
        {
            Assert.Equal((true, 0L), (canceled.Voided, canceled.AmountRefunded));
            Assert.Equal(("canceled", false, true), (pi.Status, charge.Captured, charge.Voided));
            Assert.Empty(ledger.Refunds);
            Assert.Equal(CheckoutState.Canceled, handle.State);
        }
    }

    // ---- Reader trouble ---------------------------------------------------------------------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_reader_offline_at_the_start_fails_with_a_typed_reason_and_the_PaymentIntent_is_cancelled(bool withCart)
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Faults.SetReaderOffline(h.ReaderId);
        var request = h.Sale("offline-1", 1200);
        if (withCart)
        {
            request = request with { CartLines = [new CheckoutCartLine("Sourdough", 1200, 1)] };
        }

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(request));

        var failed = Assert.IsType<CheckoutFailed>(result);
        Assert.Equal((CheckoutFailureReason.ReaderOffline, "terminal_reader_offline"), (failed.Reason, failed.Code));
        var ledger = h.Emulator.GetLedger();
        Assert.Equal("canceled", Assert.Single(ledger.PaymentIntents).Status);
        Assert.Empty(ledger.Charges);
        Assert.Equal(failed.PaymentIntentId, ledger.PaymentIntents[0].Id);

        // The reader is free again once it is back.
        h.Emulator.Faults.SetReaderOffline(h.ReaderId, offline: false);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("offline-2", 1200))));
    }

    [Fact]
    public async Task A_reader_busy_with_something_else_fails_with_a_typed_reason_and_the_PaymentIntent_is_cancelled()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Faults.Add(new FaultRule(FaultKind.ReaderBusy) { Operation = EmulatorOperations.ProcessPaymentIntent, ReaderId = h.ReaderId });

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("busy-1", 1200)));

        var failed = Assert.IsType<CheckoutFailed>(result);
        Assert.Equal((CheckoutFailureReason.ReaderBusy, "terminal_reader_busy"), (failed.Reason, failed.Code));
        var ledger = h.Emulator.GetLedger();
        Assert.Equal("canceled", Assert.Single(ledger.PaymentIntents).Status);
        Assert.Empty(ledger.Charges);
        Assert.Empty(ledger.ReaderActions);
    }

    /// <summary>
    /// The reader authorises the card, then drops: its action stays in progress and it sends no
    /// webhook. With webhooks the PaymentIntent's own event reveals the authorisation and it is
    /// captured; polling only sees the stuck reader, so the deadline winds the checkout down.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_reader_that_drops_after_authorising_leaves_no_authorisation_hanging(bool webhooks)
    {
        await using var h = await CheckoutHarness.StartAsync(webhooks: webhooks);
        h.Emulator.Faults.DropReader(h.ReaderId, afterAuthorization: true);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("dropped-auth", 3100) with { Timeout = TimeSpan.FromMinutes(2) }), max: TimeSpan.FromMinutes(10));

        // Either way the result says what happened to the money and nothing stays authorised.
        var ledger = h.Emulator.GetLedger();
        var pi = Assert.Single(ledger.PaymentIntents);
        var charge = Assert.Single(ledger.Charges);
        if (webhooks)
        {
            Assert.Equal(3100, Assert.IsType<CheckoutSucceeded>(result).AmountCaptured);
            Assert.Equal(("succeeded", true, 3100L), (pi.Status, charge.Captured, charge.AmountCaptured));
        }
        else
        {
            // The reader cannot be stopped (offline), so cancelling the PaymentIntent ends it, which
            // releases the authorisation nobody had reported.
            var canceled = Assert.IsType<CheckoutCanceled>(result);
            Assert.Equal((CheckoutCanceledBy.Deadline, true), (canceled.CanceledBy, canceled.Voided));
            Assert.Equal(("canceled", true, false), (pi.Status, charge.Voided, charge.Captured));
            Assert.Contains(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.CancelAction && r.ErrorCode == "terminal_reader_offline");
        }
    }

    [Fact]
    public async Task A_reader_timeout_after_the_command_was_delivered_still_takes_the_payment_exactly_once()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        h.Emulator.Faults.Add(new FaultRule(FaultKind.ReaderTimeoutAfterDelivery) { Operation = EmulatorOperations.ProcessPaymentIntent, NthMatch = 1 });

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("timeout-1", 2600)));

        Assert.Equal(2600, Assert.IsType<CheckoutSucceeded>(result).AmountCaptured);
        Assert.Single(h.Emulator.Faults.History, f => f.Kind == FaultKind.ReaderTimeoutAfterDelivery);
        Assert.Contains(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.ProcessPaymentIntent && r.ErrorCode == "terminal_reader_timeout");
        var ledger = h.Emulator.GetLedger();
        Assert.Equal("succeeded", Assert.Single(ledger.PaymentIntents).Status);
        Assert.Equal(2600, Assert.Single(ledger.Charges).AmountCaptured);
        // The command reached the reader: it was never handed over a second time.
        Assert.Single(ledger.ReaderActions, a => a.Type == "process_payment_intent");
        Assert.Equal(1, Count(h, EmulatorOperations.PaymentIntentsCapture));
    }

    // ---- Lost responses ---------------------------------------------------------------------

    public static TheoryData<string, bool> LostResponseSteps()
    {
        var data = new TheoryData<string, bool>();
        foreach (var moduleRetries in new[] { true, false })
        {
            foreach (var step in new[] { "create", "display cart", "process", "collect", "confirm", "capture", "manual capture", "cancel action", "cancel", "void", "refund" })
            {
                data.Add(step, moduleRetries);
            }
        }

        return data;
    }

    /// <summary>
    /// Stripe applies the request, then the connection drops before the answer arrives. With the
    /// module's retries the same request is repeated under its key (Stripe replays it); without
    /// them the checkout machine itself re-reads Stripe before acting again.
    /// </summary>
    [Theory]
    [MemberData(nameof(LostResponseSteps))]
    public async Task A_lost_response_at_any_step_still_ends_with_one_PaymentIntent_and_the_right_money(string step, bool moduleRetries)
    {
        await using var h = await CheckoutHarness.StartAsync(kit: o =>
        {
            if (!moduleRetries)
            {
                o.Retry.MaxRetries = 0;
            }
        });
        var operation = step switch
        {
            "create" => EmulatorOperations.PaymentIntentsCreate,
            "display cart" => EmulatorOperations.SetReaderDisplay,
            "process" => EmulatorOperations.ProcessPaymentIntent,
            "collect" => EmulatorOperations.CollectPaymentMethod,
            "confirm" => EmulatorOperations.ConfirmPaymentIntent,
            "capture" or "manual capture" => EmulatorOperations.PaymentIntentsCapture,
            "cancel action" => EmulatorOperations.CancelAction,
            "cancel" or "void" => EmulatorOperations.PaymentIntentsCancel,
            _ => EmulatorOperations.RefundsCreate,
        };
        h.Emulator.Faults.Add(new FaultRule(FaultKind.ResponseLost) { Operation = operation, NthMatch = 1 });
        var cancelling = step is "cancel action" or "cancel";
        var manual = step is "manual capture" or "void";
        var twoStep = step is "collect" or "confirm";
        var request = h.Sale("lost-1", 3000) with
        {
            CaptureMode = manual ? CheckoutCaptureMode.Manual : CheckoutCaptureMode.CountryDefault,
            Flow = twoStep ? CheckoutFlow.CollectThenConfirm : CheckoutFlow.ProcessInOneStep,
        };
        if (step == "display cart")
        {
            request = request with { CartLines = [new CheckoutCartLine("Long black", 1500, 2)] };
        }

        if (!cancelling)
        {
            h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        }

        var handle = await h.Checkout.StartAsync(request);
        if (cancelling)
        {
            await h.RunUntilAsync(() => handle.State == CheckoutState.WaitingForCustomer);
            Assert.Equal(CheckoutOperationStatus.Accepted, (await h.Checkout.CancelAsync("lost-1")).Status);
        }

        var result = await h.CompleteAsync(handle);
        CheckoutOperationResult? later = step switch
        {
            "manual capture" => await OperateAsync(h, () => h.Checkout.CaptureAsync("lost-1")),
            "void" => await OperateAsync(h, () => h.Checkout.CancelAsync("lost-1")),
            "refund" => await OperateAsync(h, () => h.Checkout.RefundAsync("lost-1", 1200)),
            _ => null,
        };

        Assert.Single(h.Emulator.Faults.History, f => f.Kind == FaultKind.ResponseLost && f.Operation == operation);
        var ledger = h.Emulator.GetLedger();
        var pi = Assert.Single(ledger.PaymentIntents);
        var state = (await h.Checkout.GetAsync("lost-1"))!.State;
        if (cancelling)
        {
            Assert.IsType<CheckoutCanceled>(result);
            Assert.Equal(("canceled", CheckoutState.Canceled), (pi.Status, state));
            Assert.Empty(ledger.Charges);
            return;
        }

        Assert.IsType<CheckoutSucceeded>(result);
        if (twoStep)
        {
            Assert.Single(ledger.ReaderActions, a => a.Type == "collect_payment_method");
            Assert.Single(ledger.ReaderActions, a => a.Type == "confirm_payment_intent");
        }
        else
        {
            Assert.Single(ledger.ReaderActions, a => a.Type == "process_payment_intent");
        }

        var charge = Assert.Single(ledger.Charges);
        if (step == "void")
        {
            Assert.Equal((CheckoutOperation.Void, CheckoutOperationStatus.Succeeded), (later!.Operation, later.Status));
            Assert.Equal(("canceled", CheckoutState.Voided), (pi.Status, state));
            Assert.Equal((true, false), (charge.Voided, charge.Captured));
            return;
        }

        Assert.Equal(("succeeded", 3000L), (pi.Status, pi.AmountReceived));
        Assert.Equal((true, 3000L), (charge.Captured, charge.AmountCaptured));
        Assert.Equal(1, Applied(h, EmulatorOperations.PaymentIntentsCapture));
        if (step == "refund")
        {
            Assert.Equal((CheckoutOperationStatus.Succeeded, 1200L), (later!.Status, later.Amount));
            Assert.Equal(1200, Assert.Single(ledger.Refunds).Amount);
            Assert.Equal(ledger.Refunds.Single().Id, later.RefundId);
            Assert.Equal((1200L, CheckoutState.PartiallyRefunded), (charge.AmountRefunded, state));
        }
        else
        {
            Assert.True(later is null || (later.Status, later.Amount) == (CheckoutOperationStatus.Succeeded, 3000L), $"{later}");
            Assert.Empty(ledger.Refunds);
            Assert.Equal(CheckoutState.Succeeded, state);
        }
    }

    [Fact]
    public async Task A_refund_whose_every_answer_is_lost_is_still_named_in_the_result()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("lost-refund", 2500))));

        // The refund is made but its answer is lost, and every retry (which would replay it) fails to
        // connect: the kit learns only from the PaymentIntent that money went back, and must still
        // find which refund it was.
        h.Emulator.Faults.Add(new FaultRule(FaultKind.ResponseLost) { Operation = EmulatorOperations.RefundsCreate, NthMatch = 1 });
        h.Emulator.Faults.Add(new FaultRule(FaultKind.ConnectionFailure) { Operation = EmulatorOperations.RefundsCreate });
        var refunded = await OperateAsync(h, () => h.Checkout.RefundAsync("lost-refund", 700));

        var refund = Assert.Single(h.Emulator.GetLedger().Refunds);
        Assert.Equal((CheckoutOperationStatus.Succeeded, 700L, refund.Id), (refunded.Status, refunded.Amount, refunded.RefundId));
        Assert.True(h.Emulator.RequestLog.Count(r => r.Operation == EmulatorOperations.RefundsCreate) > 1, "the refund's answer was lost on every retry");
    }

    /// <summary>
    /// One retrier: a 500 is an answer Stripe stored under the key, so the checkout reads the
    /// PaymentIntent and captures under the next key (the pipeline never resends it); a connection
    /// that fails brought no answer, so the pipeline resends at once under the same key and Stripe's
    /// real answer comes back, with no read between.
    /// </summary>
    [Theory]
    [InlineData(FaultKind.ServerError, "stk:capture-fault:capture:2", true)]
    [InlineData(FaultKind.ConnectionFailure, "stk:capture-fault:capture:1", false)]
    public async Task A_failed_capture_is_retried_once_by_the_one_retrier_its_failure_calls_for(FaultKind fault, string secondKey, bool readBetween)
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        h.Emulator.Faults.Add(new FaultRule(fault) { Operation = EmulatorOperations.PaymentIntentsCapture, NthMatch = 1 });

        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("capture-fault", 1900))));

        var captures = h.Emulator.RequestLog.Where(r => r.Operation == EmulatorOperations.PaymentIntentsCapture).ToArray();
        Assert.Equal(2, captures.Length);
        Assert.Equal(("stk:capture-fault:capture:1", secondKey), (captures[0].IdempotencyKey, captures[1].IdempotencyKey));
        Assert.Equal(readBetween, h.Emulator.RequestLog.Any(r => r.Operation == EmulatorOperations.PaymentIntentsGet && r.Sequence > captures[0].Sequence && r.Sequence < captures[1].Sequence));
        AssertCapturedOnce(h, 1900);
    }

    // ---- Webhooks and polling ---------------------------------------------------------------

    [Fact]
    public async Task Webhooks_alone_complete_the_checkout_when_polling_is_effectively_off()
    {
        await using var h = await CheckoutHarness.StartAsync(configure: PollingOff);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(4)));
        var started = h.Time.GetUtcNow();

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("webhooks-only", 1400)));

        var ok = Assert.IsType<CheckoutSucceeded>(result);
        Assert.True(ok.CompletedAt - started < TimeSpan.FromSeconds(10), $"completed after {ok.CompletedAt - started}");
        // The only reads are the ones a webhook asked for, after the tap.
        Assert.All(h.Emulator.RequestLog.Where(r => r.Operation == EmulatorOperations.ReadersGet), r => Assert.True(r.At >= started + TimeSpan.FromSeconds(4)));
        Assert.True(h.Emulator.Webhooks.Counters.Delivered > 0);
        AssertCapturedOnce(h, 1400);
    }

    [Fact]
    public async Task Without_webhooks_one_list_request_a_second_serves_every_checkout_waiting_and_saves_the_PaymentIntent_read()
    {
        await using var h = await CheckoutHarness.StartAsync(webhooks: false);
        var location = (await h.Readers.GetAsync(h.ReaderId)).LocationId;
        var second = (await h.Readers.RegisterAsync(new RegisterReaderRequest("simulated-s700") { LocationId = location, Label = "Till 2" })).Id;
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(7)));
        var started = h.Time.GetUtcNow();
        var before = h.Emulator.RequestLog.Count;

        var one = await h.Checkout.StartAsync(h.Sale("batch-one", 1400));
        var two = await h.Checkout.StartAsync(h.Sale("batch-two", 1500) with { ReaderId = second });
        await h.RunUntilAsync(() => one.HasCompleted && two.HasCompleted, step: TimeSpan.FromMilliseconds(100));

        var calls = h.Emulator.RequestLog.Skip(before).ToArray();
        var lists = calls.Count(r => r.Operation == EmulatorOperations.ReadersList);
        Assert.IsType<CheckoutSucceeded>(one.Result);
        Assert.IsType<CheckoutSucceeded>(two.Result);
        // Seen within a batch interval of the tap: one list a second for both, no reader or PaymentIntent read.
        Assert.True(one.Result!.CompletedAt - started <= TimeSpan.FromSeconds(7 + 1), $"completed after {one.Result.CompletedAt - started}");
        Assert.InRange(lists, 7, 9);
        Assert.DoesNotContain(calls, r => r.Operation is EmulatorOperations.ReadersGet or EmulatorOperations.PaymentIntentsGet);
        Assert.Equal(2, calls.Count(r => r.Operation == EmulatorOperations.PaymentIntentsCapture));
        Assert.All(calls.Where(r => r.Operation == EmulatorOperations.ReadersList), r => Assert.Equal(200, r.StatusCode));
        Assert.NotNull(((CheckoutSucceeded)one.Result).Last4);
    }

    [Fact]
    public async Task Without_webhooks_checkouts_on_several_pages_of_readers_are_answered_by_one_events_request_a_second()
    {
        await using var h = await CheckoutHarness.StartAsync(webhooks: false);
        var location = (await h.Readers.GetAsync(h.ReaderId)).LocationId;
        var readers = new List<string> { h.ReaderId };
        for (var i = 0; i < 150; i++)
        {
            readers.Add((await h.Readers.RegisterAsync(new RegisterReaderRequest("simulated-s700") { LocationId = location, Label = $"Till {i + 2}" })).Id);
        }

        // Waiting readers on both pages of the location (newest first: the last registered are on page one).
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(12)));
        var tills = new[] { readers[0], readers[10], readers[140], readers[150] };
        var started = h.Time.GetUtcNow();
        var before = h.Emulator.RequestLog.Count;

        var checkouts = new List<CheckoutHandle>();
        foreach (var (till, i) in tills.Select((t, i) => (t, i)))
        {
            checkouts.Add(await h.Checkout.StartAsync(h.Sale($"feed-{i}", 1400 + (10 * i)) with { ReaderId = till }));
        }

        await h.RunUntilAsync(() => checkouts.All(c => c.HasCompleted), step: TimeSpan.FromMilliseconds(100));

        var calls = h.Emulator.RequestLog.Skip(before).ToArray();
        Assert.All(checkouts, c => Assert.IsType<CheckoutSucceeded>(c.Result));
        Assert.All(checkouts, c => Assert.True(c.Result!.CompletedAt - started <= TimeSpan.FromSeconds(12 + 2), $"completed after {c.Result!.CompletedAt - started}"));
        // Pages while the feed starts (learning where the readers are, then read again once the feed
        // covers them) and once more ten seconds later (FeedTrust); between, one events request a second
        // for all four, and the authorisation event stands in for the PaymentIntent read.
        var events = calls.Count(r => r.Operation == EmulatorOperations.EventsList);
        var lists = calls.Count(r => r.Operation == EmulatorOperations.ReadersList);
        Assert.InRange(events, 9, 13);
        Assert.InRange(lists, 4, 6);
        Assert.DoesNotContain(calls, r => r.Operation is EmulatorOperations.ReadersGet or EmulatorOperations.PaymentIntentsGet);
        Assert.Equal(4, calls.Count(r => r.Operation == EmulatorOperations.PaymentIntentsCapture));
        Assert.All(calls.Where(r => r.Operation is EmulatorOperations.EventsList or EmulatorOperations.ReadersList), r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task A_read_that_decides_the_next_step_goes_out_at_once_never_waiting_for_a_batch()
    {
        // The hand-off to the reader fails with a 500: the checkout must read the reader and the
        // PaymentIntent before it sends again. Batches are on, but that read decides what happens next:
        // waiting up to a batch interval for it held checkouts back (the overhead benchmark's kit took
        // 2 to 10 times the raw calls' time, from a few such reads).
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        h.Emulator.Faults.Add(new FaultRule(FaultKind.ServerError) { Operation = EmulatorOperations.ProcessPaymentIntent, NthMatch = 1 });
        var before = h.Emulator.RequestLog.Count;

        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("decide-read", 1300))));

        var calls = h.Emulator.RequestLog.Skip(before).ToArray();
        var failed = Array.FindIndex(calls, r => r.Operation == EmulatorOperations.ProcessPaymentIntent && r.StatusCode == 500);
        var resent = Array.FindIndex(calls, failed + 1, r => r.Operation == EmulatorOperations.ProcessPaymentIntent);
        Assert.True(failed >= 0 && resent > failed);
        var between = calls[(failed + 1)..resent];
        Assert.Contains(between, r => r.Operation == EmulatorOperations.ReadersGet);
        Assert.DoesNotContain(between, r => r.Operation == EmulatorOperations.ReadersList);
    }

    [Fact]
    public async Task Without_webhooks_a_caller_captured_checkout_still_reads_its_PaymentIntent_for_the_card_details()
    {
        await using var h = await CheckoutHarness.StartAsync(webhooks: false);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(3)));

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("batch-manual") with { CaptureMode = CheckoutCaptureMode.Manual }));

        var ok = Assert.IsType<CheckoutSucceeded>(result);
        Assert.NotNull(ok.Last4);
        Assert.Contains(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.PaymentIntentsGet);
    }

    [Fact]
    public async Task Polling_alone_completes_the_checkout_without_any_webhook()
    {
        // Batched reads off: the checkout reads its own reader at the single-read pace.
        await using var h = await CheckoutHarness.StartAsync(webhooks: false, configure: o => o.BatchPollInterval = TimeSpan.Zero);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(7)));
        var started = h.Time.GetUtcNow();

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("polling-only", 1400)));

        var ok = Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal(0, h.Emulator.Webhooks.Counters.Delivered);
        // Found by the next poll after the tap (2 s pace in the first minute).
        Assert.True(ok.CompletedAt - started <= TimeSpan.FromSeconds(7 + 3), $"completed after {ok.CompletedAt - started}");
        Assert.InRange(Count(h, EmulatorOperations.ReadersGet), 2, 6);
        AssertCapturedOnce(h, 1400);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Duplicated_and_reordered_webhooks_still_capture_once(bool duplicate, bool reorder)
    {
        await using var h = await CheckoutHarness.StartAsync(configure: PollingOff);
        h.Emulator.Webhooks.Faults = new EmulatorWebhookFaults { DuplicateRate = duplicate ? 1 : 0, ReorderRate = reorder ? 1 : 0 };
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Mastercard, TapAfter));

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("webhook-faults", 1750)));
        // Late copies arriving after the end change nothing.
        await h.RunForAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1750, Assert.IsType<CheckoutSucceeded>(result).AmountCaptured);
        var counters = h.Emulator.Webhooks.Counters;
        Assert.True(!duplicate || counters.Duplicated > 0, "no webhook was duplicated");
        Assert.True(!reorder || counters.Reordered > 0, "no webhook was reordered");
        AssertCapturedOnce(h, 1750);
    }

    // ---- Crash and resume -------------------------------------------------------------------

    public static TheoryData<string, bool> CrashPoints()
    {
        var data = new TheoryData<string, bool>();
        foreach (var storeLost in new[] { false, true })
        {
            foreach (var point in new[] { "before create", "after create", "after process", "after tap", "during capture", "after capture" })
            {
                data.Add(point, storeLost);
            }
        }

        return data;
    }

    /// <summary>
    /// The process dies at each step; a new one starts the same checkout id again. With the store
    /// kept it resumes from the saved state; with the store lost it starts over, and the derived
    /// idempotency keys make Stripe replay what it already did. Either way: one PaymentIntent, one
    /// charge, captured once.
    /// </summary>
    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task A_crash_at_any_step_resumes_to_one_charge(string point, bool storeLost)
    {
        var store = new CrashPointStore(point switch
        {
            // The save made just before each step's Stripe call, or just after its answer.
            "before create" => r => r.State == CheckoutState.CreatingPaymentIntent,
            "after create" => r => r.State == CheckoutState.SendingToReader,
            "after process" => r => r.State == CheckoutState.WaitingForCustomer,
            "after tap" => r => r.State == CheckoutState.Capturing,
            "during capture" => r => r.State == CheckoutState.Succeeded,
            _ => _ => false,
        });
        await using var before = await CheckoutHarness.StartAsync(store: store);
        before.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        var handle = await before.Checkout.StartAsync(before.Sale("crash-1", 2700));
        if (point == "after capture")
        {
            Assert.IsType<CheckoutSucceeded>(await before.CompleteAsync(handle));
        }
        else
        {
            await before.RunUntilAsync(() => store.Crashed);
        }

        // Let whatever the customer does meanwhile happen while no kit is running.
        before.Time.Advance(TimeSpan.FromSeconds(5));
        await using var after = await before.CrashAndRestartAsync(storeLost ? new InMemoryCheckoutStore() : null);
        var again = await after.Checkout.StartAsync(after.Sale("crash-1", 2700));
        var result = await after.CompleteAsync(again);

        var ok = Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal(2700, ok.AmountCaptured);
        var ledger = after.Emulator.GetLedger();
        var pi = Assert.Single(ledger.PaymentIntents);
        Assert.Equal(("succeeded", 2700L, "crash-1"), (pi.Status, pi.AmountReceived, pi.Metadata["stk_checkout_id"]));
        var charge = Assert.Single(ledger.Charges);
        Assert.Equal((true, 2700L, 0L), (charge.Captured, charge.AmountCaptured, charge.AmountRefunded));
        Assert.Equal((pi.Id, charge.Id), (ok.PaymentIntentId, ok.ChargeId));
        Assert.Single(ledger.ReaderActions, a => a.Type == "process_payment_intent");
        Assert.Equal(1, Applied(after, EmulatorOperations.PaymentIntentsCreate));
        Assert.Equal(1, Applied(after, EmulatorOperations.PaymentIntentsCapture));
        Assert.Empty(await after.Checkout.ListUnfinishedAsync().ToListAsync());
        if (storeLost && point != "before create")
        {
            // Nothing remembered the PaymentIntent: the create's derived key made Stripe replay it.
            Assert.Contains(after.Emulator.RequestLog, r => r.Operation == EmulatorOperations.PaymentIntentsCreate && r.Replayed);
        }
    }

    [Theory]
    [InlineData("capture")]
    [InlineData("refund")]
    public async Task A_crash_during_a_later_capture_or_refund_is_settled_from_Stripe_when_the_checkout_is_next_used(string operation)
    {
        // The process dies once Stripe applied the call but before its answer was saved.
        var store = new CrashPointStore(r => r.State == (operation == "capture" ? CheckoutState.Succeeded : CheckoutState.PartiallyRefunded));
        await using var before = await CheckoutHarness.StartAsync(store: store);
        before.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        var mode = operation == "capture" ? CheckoutCaptureMode.Manual : CheckoutCaptureMode.CountryDefault;
        Assert.IsType<CheckoutSucceeded>(await before.CompleteAsync(await before.Checkout.StartAsync(before.Sale("crash-op", 4000) with { CaptureMode = mode })));
        _ = operation == "capture" ? before.Checkout.CaptureAsync("crash-op", 2500) : before.Checkout.RefundAsync("crash-op", 2500);
        await before.RunUntilAsync(() => store.Crashed);

        await using var after = await before.CrashAndRestartAsync();
        Assert.NotNull(await after.Checkout.FindAsync("crash-op"));
        await after.RunForAsync(TimeSpan.FromSeconds(5));

        var ledger = after.Emulator.GetLedger();
        var charge = Assert.Single(ledger.Charges);
        if (operation == "capture")
        {
            Assert.Equal((true, 2500L), (charge.Captured, charge.AmountCaptured));
            Assert.Equal(1, Count(after, EmulatorOperations.PaymentIntentsCapture));
            Assert.Equal(CheckoutState.Succeeded, (await after.Checkout.GetAsync("crash-op"))!.State);
            var more = await OperateAsync(after, () => after.Checkout.CaptureAsync("crash-op", 1000));
            Assert.Equal((CheckoutOperationStatus.Rejected, CheckoutOperationRejection.AlreadyCaptured), (more.Status, more.Rejection));
        }
        else
        {
            Assert.Equal(2500, Assert.Single(ledger.Refunds).Amount);
            Assert.Equal(CheckoutState.PartiallyRefunded, (await after.Checkout.GetAsync("crash-op"))!.State);
            // What is left to refund is known from Stripe, not from the lost answer.
            var over = await OperateAsync(after, () => after.Checkout.RefundAsync("crash-op", 1501));
            Assert.Equal(CheckoutOperationRejection.AmountExceedsRefundable, over.Rejection);
            var rest = await OperateAsync(after, () => after.Checkout.RefundAsync("crash-op"));
            Assert.Equal((CheckoutOperationStatus.Succeeded, 1500L), (rest.Status, rest.Amount));
            Assert.Equal([2500L, 1500L], after.Emulator.GetLedger().Refunds.Select(r => r.Amount));
        }
    }

    [Fact]
    public async Task After_the_store_is_lost_the_same_checkout_id_for_another_amount_is_refused_by_Stripe_and_charges_nothing()
    {
        await using var before = await CheckoutHarness.StartAsync();
        before.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        Assert.IsType<CheckoutSucceeded>(await before.CompleteAsync(await before.Checkout.StartAsync(before.Sale("reused-id", 2000))));

        // Nothing remembers the first sale; a bug in the point of sale reuses its order number.
        await using var after = await before.CrashAndRestartAsync(new InMemoryCheckoutStore());
        var result = await after.CompleteAsync(await after.Checkout.StartAsync(after.Sale("reused-id", 2500)));

        var failed = Assert.IsType<CheckoutFailed>(result);
        Assert.Equal(CheckoutFailureReason.IdempotencyConflict, failed.Reason);
        var ledger = after.Emulator.GetLedger();
        Assert.Equal(("succeeded", 2000L), (Assert.Single(ledger.PaymentIntents).Status, ledger.PaymentIntents[0].AmountReceived));
        Assert.Single(ledger.Charges);
        Assert.Single(ledger.ReaderActions, a => a.Type == "process_payment_intent");
    }

    [Theory]
    [InlineData("before cancel action")]
    [InlineData("before cancelling the PaymentIntent")]
    [InlineData("after cancelling the PaymentIntent")]
    public async Task A_crash_while_cancelling_resumes_the_cancellation_and_nothing_is_charged(string point)
    {
        var saves = 0;
        var store = new CrashPointStore(r =>
        {
            if (r.State != CheckoutState.Canceling && !(r.Completed && point == "after cancelling the PaymentIntent"))
            {
                return false;
            }

            // Canceling is saved before cancel_action, then again before the PaymentIntent's cancel.
            saves++;
            return point switch
            {
                "before cancel action" => saves == 1,
                "before cancelling the PaymentIntent" => saves == 2,
                _ => r.Completed,
            };
        });
        await using var before = await CheckoutHarness.StartAsync(store: store);
        var handle = await before.Checkout.StartAsync(before.Sale("crash-cancel", 1900));
        await before.RunUntilAsync(() => handle.State == CheckoutState.WaitingForCustomer);
        // The process dies before answering (the cancel is answered after its state is saved).
        _ = before.Checkout.CancelAsync("crash-cancel");
        await before.RunUntilAsync(() => store.Crashed);

        // Webhooks about the cancel went to the process that died (delivered on the emulator's own
        // threads, they would otherwise race the restarted kit's resume and this test's cancel).
        await before.Emulator.Webhooks.DrainAsync();
        await using var after = await before.CrashAndRestartAsync();
        // The point of sale never heard back, so it asks again; the customer taps meanwhile. The
        // cancel brings the checkout back from the store and is queued right behind its resume:
        // asked after a separate start, a busy machine could finish the resumed cancellation first.
        var again = after.Checkout.CancelAsync("crash-cancel");
        var resumed = await after.Checkout.StartAsync(after.Sale("crash-cancel", 1900));
        var tapped = after.Emulator.Customer.Tap(after.ReaderId, TestCards.Visa);
        var result = await after.CompleteAsync(resumed);
        await after.RunUntilAsync(() => again.IsCompleted);

        var canceled = Assert.IsType<CheckoutCanceled>(result);
        Assert.Equal(CheckoutCanceledBy.Merchant, canceled.CanceledBy);
        // The completion was never saved either, so the checkout was still ending when asked again:
        // the cancel is taken, or — when the resumed cancellation finished first (the runner handles
        // an event on the poster's thread, and the in-process emulator can answer at once) — refused
        // as no longer applicable. Either way the checkout ends cancelled by the merchant, once.
        var answer = await again;
        Assert.True(answer.Status == CheckoutOperationStatus.Accepted
            || (answer.Status == CheckoutOperationStatus.Rejected && answer.Rejection == CheckoutOperationRejection.NotAllowedInState), answer.ToString());
        var ledger = after.Emulator.GetLedger();
        Assert.Equal("canceled", Assert.Single(ledger.PaymentIntents).Status);
        // A card that got through before the reader was stopped was voided, never captured.
        Assert.Equal(tapped, ledger.Charges.Count == 1);
        Assert.All(ledger.Charges, c => Assert.Equal((true, false), (c.Voided, c.Captured)));
        Assert.Equal(tapped, canceled.Voided);
        Assert.Equal(0, Count(after, EmulatorOperations.PaymentIntentsCapture));
    }

    // ---- One checkout per reader ------------------------------------------------------------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_checkouts_racing_for_one_reader_run_one_and_refuse_the_other(bool twoInstances)
    {
        await using var h = await CheckoutHarness.StartAsync();
        var other = twoInstances ? h.StartAnotherInstance() : null;
        try
        {
            var second = other?.Checkout ?? h.Checkout;
            h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var a = Task.Run(async () => { await go.Task; return await h.Checkout.StartAsync(h.Sale("race-a", 1100)); });
            var b = Task.Run(async () => { await go.Task; return await second.StartAsync(h.Sale("race-b", 2200)); });
            go.SetResult();
            var outcomes = await Task.WhenAll(Outcome(a), Outcome(b));

            var winner = Assert.Single(outcomes, o => o.Handle is not null).Handle!;
            var error = Assert.IsType<ReaderBusyException>(Assert.Single(outcomes, o => o.Error is not null).Error);
            Assert.Equal(h.ReaderId, error.ReaderId);
            // The holder may be another till's sale: the refusal does not name it.
            Assert.DoesNotContain(winner.CheckoutId, error.Message, StringComparison.Ordinal);
            await h.SettleAsync();
            if (other is not null)
            {
                await other.SettleAsync();
            }

            var runsOn = winner.CheckoutId == "race-a" ? h : other ?? h;
            Assert.IsType<CheckoutSucceeded>(await runsOn.CompleteAsync(winner));
            var pi = Assert.Single(h.Emulator.GetLedger().PaymentIntents);
            Assert.Equal(winner.CheckoutId, pi.Metadata["stk_checkout_id"]);
            Assert.Single(h.Emulator.GetLedger().Charges);

            // Once the winner is done, the reader takes the other sale.
            var loserId = winner.CheckoutId == "race-a" ? "race-b" : "race-a";
            var loserKit = loserId == "race-a" ? h : other ?? h;
            var next = await loserKit.Checkout.StartAsync(h.Sale(loserId, loserId == "race-a" ? 1100 : 2200));
            Assert.IsType<CheckoutSucceeded>(await loserKit.CompleteAsync(next));
            Assert.Equal(2, h.Emulator.GetLedger().Charges.Count);
        }
        finally
        {
            if (other is not null)
            {
                await other.Services.DisposeAsync();
            }
        }
    }

    // ---- Capture and refund later -----------------------------------------------------------

    [Fact]
    public async Task A_partial_capture_takes_part_of_the_authorisation_and_releases_the_rest()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        var handle = await h.Checkout.StartAsync(h.Sale("partial-1", 5000) with { CaptureMode = CheckoutCaptureMode.Manual });
        await h.CompleteAsync(handle);
        Assert.Equal(CheckoutState.Authorized, handle.State);

        var sent = h.Emulator.RequestLog.Count;
        var tooMuch = await OperateAsync(h, () => h.Checkout.CaptureAsync("partial-1", 5001));
        Assert.Equal((CheckoutOperationStatus.Rejected, CheckoutOperationRejection.AmountExceedsCapturable), (tooMuch.Status, tooMuch.Rejection));
        Assert.Equal(sent, h.Emulator.RequestLog.Count);

        var capture = await OperateAsync(h, () => h.Checkout.CaptureAsync("partial-1", 3500));
        Assert.Equal((CheckoutOperationStatus.Succeeded, 3500L), (capture.Status, capture.Amount));
        var again = await OperateAsync(h, () => h.Checkout.CaptureAsync("partial-1", 1000));
        Assert.Equal((CheckoutOperationStatus.Rejected, CheckoutOperationRejection.AlreadyCaptured), (again.Status, again.Rejection));

        var ledger = h.Emulator.GetLedger();
        var pi = Assert.Single(ledger.PaymentIntents);
        Assert.Equal(("succeeded", 3500L, 0L), (pi.Status, pi.AmountReceived, pi.AmountCapturable));
        Assert.Equal((true, 3500L), (Assert.Single(ledger.Charges).Captured, ledger.Charges[0].AmountCaptured));
        Assert.Equal(1, Count(h, EmulatorOperations.PaymentIntentsCapture));
        Assert.Equal(CheckoutState.Succeeded, (await h.Checkout.GetAsync("partial-1"))!.State);

        // Refunding "the rest" refunds what was captured, not what was authorised.
        var refund = await OperateAsync(h, () => h.Checkout.RefundAsync("partial-1"));
        Assert.Equal((CheckoutOperationStatus.Succeeded, 3500L), (refund.Status, refund.Amount));
        Assert.Equal(3500, Assert.Single(h.Emulator.GetLedger().Refunds).Amount);
        Assert.Equal(CheckoutState.Refunded, (await h.Checkout.GetAsync("partial-1"))!.State);
    }

    [Fact]
    public async Task Refunds_in_parts_add_up_to_the_capture_and_an_over_refund_is_refused_without_a_Stripe_call()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("refund-1", 5000))));

        var first = await OperateAsync(h, () => h.Checkout.RefundAsync("refund-1", 2000));
        var second = await OperateAsync(h, () => h.Checkout.RefundAsync("refund-1", 1500));
        Assert.Equal(CheckoutState.PartiallyRefunded, (await h.Checkout.GetAsync("refund-1"))!.State);

        var sent = h.Emulator.RequestLog.Count;
        var over = await OperateAsync(h, () => h.Checkout.RefundAsync("refund-1", 1501));
        Assert.Equal((CheckoutOperationStatus.Rejected, CheckoutOperationRejection.AmountExceedsRefundable), (over.Status, over.Rejection));
        Assert.Equal(sent, h.Emulator.RequestLog.Count);

        var rest = await OperateAsync(h, () => h.Checkout.RefundAsync("refund-1"));
        var beyond = await OperateAsync(h, () => h.Checkout.RefundAsync("refund-1", 1));

        Assert.Equal([(CheckoutOperationStatus.Succeeded, 2000L), (CheckoutOperationStatus.Succeeded, 1500L), (CheckoutOperationStatus.Succeeded, 1500L)],
            new[] { first, second, rest }.Select(r => (r.Status, r.Amount)));
        Assert.Equal(CheckoutOperationStatus.Rejected, beyond.Status);
        Assert.Equal(CheckoutState.Refunded, (await h.Checkout.GetAsync("refund-1"))!.State);
        var ledger = h.Emulator.GetLedger();
        Assert.Equal([2000L, 1500L, 1500L], ledger.Refunds.Select(r => r.Amount));
        Assert.Equal([first.RefundId, second.RefundId, rest.RefundId], ledger.Refunds.Select(r => r.Id));
        Assert.Equal((5000L, 5000L), (Assert.Single(ledger.Charges).AmountCaptured, ledger.Charges[0].AmountRefunded));
        Assert.Equal(3, Count(h, EmulatorOperations.RefundsCreate));
    }

    // ---- Helpers ----------------------------------------------------------------------------

    private static void PollingOff(StripeTerminalCheckoutOptions o)
    {
        o.PollInterval = TimeSpan.FromHours(1);
        o.SafetyNetPollInterval = TimeSpan.FromHours(1);
    }

    private static int Count(CheckoutHarness h, string operation) => h.Emulator.RequestLog.Count(r => r.Operation == operation);

    /// <summary>Requests Stripe carried out (answered 200, not a replay of a stored answer).</summary>
    private static int Applied(CheckoutHarness h, string operation) =>
        h.Emulator.RequestLog.Count(r => r.Operation == operation && r.StatusCode == 200 && !r.Replayed);

    private static void AssertCapturedOnce(CheckoutHarness h, long amount)
    {
        var ledger = h.Emulator.GetLedger();
        var pi = Assert.Single(ledger.PaymentIntents);
        Assert.Equal(("succeeded", amount), (pi.Status, pi.AmountReceived));
        var charge = Assert.Single(ledger.Charges);
        Assert.Equal((true, amount), (charge.Captured, charge.AmountCaptured));
        Assert.Empty(ledger.Refunds);
        Assert.Equal(1, Applied(h, EmulatorOperations.PaymentIntentsCapture));
    }

    /// <summary>Asks for a capture, void or refund and lets the kit run until it is answered.</summary>
    private static async Task<CheckoutOperationResult> OperateAsync(CheckoutHarness h, Func<Task<CheckoutOperationResult>> operation)
    {
        var pending = operation();
        await h.RunUntilAsync(() => pending.IsCompleted);
        return await pending;
    }

    private static async Task<(CheckoutHandle? Handle, Exception? Error)> Outcome(Task<CheckoutHandle> start)
    {
        try
        {
            return (await start, null);
        }
#pragma warning disable CA1031 // the race test inspects whichever failure the loser got
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return (null, exception);
        }
    }
}
