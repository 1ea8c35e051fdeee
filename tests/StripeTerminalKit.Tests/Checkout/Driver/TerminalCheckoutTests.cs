using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout.Driver;

public sealed class TerminalCheckoutTests
{
    [Fact]
    public async Task A_visa_tap_in_Australia_is_authorised_then_captured_with_its_tip()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(4), tip: 200));

        var handle = await h.Checkout.StartAsync(h.Sale("order-1", 1750));
        var result = await h.CompleteAsync(handle);

        var ok = Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal(1950, ok.Amount);
        Assert.Equal(200, ok.TipAmount);
        Assert.Equal(1950, ok.AmountCaptured);
        Assert.Equal("visa", ok.CardBrand);
        Assert.Equal("4242", ok.Last4);
        Assert.Equal("visa", ok.Network);
        var ledger = h.Emulator.GetLedger();
        var pi = Assert.Single(ledger.PaymentIntents);
        Assert.Equal("succeeded", pi.Status);
        Assert.Equal("order-1", pi.Metadata["stk_checkout_id"]);
    }

    [Fact]
    public async Task An_eftpos_card_is_captured_in_one_step_by_the_network()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.EftposAuDebit, TimeSpan.FromSeconds(3)));

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("order-eftpos", 2500)));

        var ok = Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal("eftpos_au", ok.Network);
        Assert.Equal(2500, ok.AmountCaptured);
        Assert.DoesNotContain(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.PaymentIntentsCapture);
    }

    [Fact]
    public async Task With_healthy_webhooks_nothing_polls_while_the_customer_decides()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Mastercard, TimeSpan.FromSeconds(5)));
        h.Runtime.WebhookHealth.WebhookArrived();
        var before = h.Emulator.RequestLog.Count;

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("order-3calls")));

        Assert.IsType<CheckoutSucceeded>(result);
        var calls = h.Emulator.RequestLog.Skip(before).Select(r => r.Operation).ToArray();

        // Create and process, then nothing during the five seconds the customer takes; the verified
        // webhook shows the authorisation, which is captured at once: the minimum of three calls.
        Assert.Equal([EmulatorOperations.PaymentIntentsCreate, EmulatorOperations.ProcessPaymentIntent, EmulatorOperations.PaymentIntentsCapture], calls);
        var ok = Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal("4444", ok.Last4);
    }

    [Theory]
    [InlineData(TestCards.Visa, CheckoutCaptureMode.Manual)]
    [InlineData(TestCards.EftposAuDebit, CheckoutCaptureMode.CountryDefault)]
    public async Task With_healthy_webhooks_a_payment_that_ends_without_a_capture_reads_the_payment_intent_once_for_the_card(string card, CheckoutCaptureMode mode)
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(card, TimeSpan.FromSeconds(5)));
        h.Runtime.WebhookHealth.WebhookArrived();
        var before = h.Emulator.RequestLog.Count;

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("order-one-read") with { CaptureMode = mode }));

        var ok = Assert.IsType<CheckoutSucceeded>(result);
        Assert.NotNull(ok.Last4);
        var calls = h.Emulator.RequestLog.Skip(before).Select(r => r.Operation).ToArray();
        Assert.Equal([EmulatorOperations.PaymentIntentsCreate, EmulatorOperations.ProcessPaymentIntent, EmulatorOperations.PaymentIntentsGet], calls);
    }

    [Fact]
    public async Task Without_webhooks_polling_finds_the_outcome()
    {
        await using var h = await CheckoutHarness.StartAsync(webhooks: false);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(7)));

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("order-poll")));

        Assert.IsType<CheckoutSucceeded>(result);
        Assert.Contains(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.ReadersList);
    }

    [Fact]
    public async Task A_declined_card_can_be_retried_with_another_card_on_the_same_PaymentIntent()
    {
        await using var h = await CheckoutHarness.StartAsync();
        var taps = 0;
        h.Emulator.Customer.Automate(_ => ++taps == 1 ? CustomerAction.Tap(TestCards.InsufficientFunds, TimeSpan.FromSeconds(2)) : CustomerAction.Tap(TestCards.Amex, TimeSpan.FromSeconds(2)));
        var handle = await h.Checkout.StartAsync(h.Sale("order-retry"));

        await h.RunUntilAsync(() => handle.State == CheckoutState.AwaitingRetry);
        var retry = await h.Checkout.RetryAsync("order-retry");
        var result = await h.CompleteAsync(handle);

        Assert.Equal(CheckoutOperationStatus.Accepted, retry.Status);
        var ok = Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal("amex", ok.CardBrand);
        Assert.Single(h.Emulator.GetLedger().PaymentIntents);
    }

    [Fact]
    public async Task Cancelling_while_the_customer_looks_at_the_reader_cancels_the_action_and_the_PaymentIntent()
    {
        await using var h = await CheckoutHarness.StartAsync();
        var handle = await h.Checkout.StartAsync(h.Sale("order-cancel"));
        await h.RunUntilAsync(() => handle.State == CheckoutState.WaitingForCustomer);

        var cancel = await h.Checkout.CancelAsync("order-cancel");
        var result = await h.CompleteAsync(handle);

        Assert.Equal(CheckoutOperationStatus.Accepted, cancel.Status);
        var canceled = Assert.IsType<CheckoutCanceled>(result);
        Assert.Equal(CheckoutCanceledBy.Merchant, canceled.CanceledBy);
        Assert.Equal("canceled", Assert.Single(h.Emulator.GetLedger().PaymentIntents).Status);
    }

    [Fact]
    public async Task The_customer_cancelling_on_the_reader_ends_the_checkout_canceled_by_the_customer()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.CancelOnReader(TimeSpan.FromSeconds(3)));

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("order-customer-cancel")));

        var canceled = Assert.IsType<CheckoutCanceled>(result);
        Assert.Equal(CheckoutCanceledBy.Customer, canceled.CanceledBy);
        Assert.Equal("canceled", Assert.Single(h.Emulator.GetLedger().PaymentIntents).Status);
    }

    [Fact]
    public async Task A_reader_that_drops_mid_payment_cannot_hold_the_checkout_past_its_deadline()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Faults.DropReader(h.ReaderId);
        var request = h.Sale("order-dropped") with { Timeout = TimeSpan.FromMinutes(2) };

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(request), max: TimeSpan.FromMinutes(15));

        Assert.NotNull(result);
        var pi = Assert.Single(h.Emulator.GetLedger().PaymentIntents);
        Assert.NotEqual("requires_capture", pi.Status);
        Assert.NotEqual("succeeded", pi.Status);
    }

    [Fact]
    public async Task A_second_checkout_on_a_busy_reader_is_refused_with_a_typed_error()
    {
        await using var h = await CheckoutHarness.StartAsync();
        await h.Checkout.StartAsync(h.Sale("order-a"));

        var error = await Assert.ThrowsAsync<ReaderBusyException>(() => h.Checkout.StartAsync(h.Sale("order-b")));

        // The holder may be another till's sale: its id is not named (security issue 12).
        Assert.Equal("reader_has_active_checkout", error.ErrorCode);
        Assert.DoesNotContain("order-a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_the_same_checkout_id_again_returns_the_same_checkout_and_charges_once()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(3)));

        var first = await h.Checkout.StartAsync(h.Sale("order-same"));
        var second = await h.Checkout.StartAsync(h.Sale("order-same"));
        await h.CompleteAsync(first);

        Assert.Same(first, second);
        Assert.Single(h.Emulator.GetLedger().PaymentIntents);
    }

    [Fact]
    public async Task The_same_checkout_id_with_another_amount_is_refused()
    {
        await using var h = await CheckoutHarness.StartAsync();
        await h.Checkout.StartAsync(h.Sale("order-x", 1000));

        await Assert.ThrowsAsync<TerminalValidationException>(() => h.Checkout.StartAsync(h.Sale("order-x", 2000)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(100_000_000)]
    public async Task Bad_input_is_refused_before_any_Stripe_call(long amount)
    {
        await using var h = await CheckoutHarness.StartAsync();
        var before = h.Emulator.RequestLog.Count;

        await Assert.ThrowsAsync<TerminalValidationException>(() => h.Checkout.StartAsync(h.Sale("order-bad", amount)));

        Assert.Equal(before, h.Emulator.RequestLog.Count);
    }

    [Fact]
    public async Task A_manual_checkout_is_authorised_then_captured_and_refunded_later()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        var handle = await h.Checkout.StartAsync(h.Sale("order-manual", 5000) with { CaptureMode = CheckoutCaptureMode.Manual });
        await h.CompleteAsync(handle);
        Assert.Equal(CheckoutState.Authorized, handle.State);

        var capture = h.Checkout.CaptureAsync("order-manual", 4000);
        await h.RunUntilAsync(() => capture.IsCompleted);
        var refund = h.Checkout.RefundAsync("order-manual", 1500);
        await h.RunUntilAsync(() => refund.IsCompleted);

        Assert.Equal(CheckoutOperationStatus.Succeeded, (await capture).Status);
        Assert.Equal(CheckoutOperationStatus.Succeeded, (await refund).Status);
        var ledger = h.Emulator.GetLedger();
        Assert.Equal(4000, Assert.Single(ledger.Charges).AmountCaptured);
        Assert.Equal(1500, Assert.Single(ledger.Refunds).Amount);
    }

    [Fact]
    public async Task A_second_refund_asked_while_the_first_is_in_flight_is_refused_and_each_caller_gets_its_own_answer()
    {
        // Seeds 9511/16013/23618 of the simulation: answers were matched to requests by kind only, so
        // the first caller got the second one's refusal and the second caller the first one's refund.
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("order-two-refunds", 3000)));

        // The first refund's POST is held until the clock moves: still in flight when the second is asked.
        h.Emulator.Faults.Add(new FaultRule(FaultKind.SlowReaderAck) { Operation = EmulatorOperations.RefundsCreate, Delay = TimeSpan.FromSeconds(5) });
        var first = h.Checkout.RefundAsync("order-two-refunds", 1000);
        var second = h.Checkout.RefundAsync("order-two-refunds", 700);
        await h.RunUntilAsync(() => second.IsCompleted);
        Assert.False(first.IsCompleted);
        await h.RunUntilAsync(() => first.IsCompleted && second.IsCompleted);

        Assert.Equal(CheckoutOperationStatus.Succeeded, (await first).Status);
        Assert.Equal(1000, (await first).Amount);
        Assert.Equal(CheckoutOperationStatus.Rejected, (await second).Status);
        Assert.Equal(CheckoutOperationRejection.OperationInProgress, (await second).Rejection);
        Assert.Equal(1000, Assert.Single(h.Emulator.GetLedger().Refunds).Amount);
    }

    [Fact]
    public async Task A_finished_checkout_is_not_kept_in_memory_and_comes_back_from_the_store_with_its_result()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        var first = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("order-done")));
        await h.SettleAsync();

        var active = h.Runtime.Runners.Count;
        var found = await h.Checkout.FindAsync("order-done");
        var snapshot = await h.Checkout.GetAsync("order-done");
        var again = await h.Checkout.StartAsync(h.Sale("order-done"));

        Assert.Equal(0, active);
        Assert.True(found!.HasCompleted);
        Assert.Equal(first, found.Result);
        Assert.Equal(first, snapshot!.Result);
        Assert.Equal(first, again.Result);
        Assert.Single(h.Emulator.GetLedger().PaymentIntents);
    }

    [Fact]
    public async Task An_authorised_checkout_let_go_after_it_finished_can_still_be_captured_and_then_is_let_go_again()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("order-later", 3000) with { CaptureMode = CheckoutCaptureMode.Manual }));
        await h.SettleAsync();
        Assert.Empty(h.Runtime.Runners);

        var capture = h.Checkout.CaptureAsync("order-later");
        await h.RunUntilAsync(() => capture.IsCompleted);
        await h.SettleAsync();

        Assert.Equal(CheckoutOperationStatus.Succeeded, (await capture).Status);
        Assert.Equal(3000, Assert.Single(h.Emulator.GetLedger().Charges).AmountCaptured);
        Assert.Empty(h.Runtime.Runners);
    }

    [Fact]
    public async Task Watching_a_checkout_streams_its_states_to_the_end()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        var handle = await h.Checkout.StartAsync(h.Sale("order-watch"));
        var seen = new List<CheckoutState>();

        // Subscribed before the clock moves (the first state is read here), so a busy machine
        // starting the watcher late cannot make it miss the states in between.
        await using var updates = handle.WatchAsync().GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync());
        seen.Add(updates.Current.State);
        var watching = Task.Run(async () =>
        {
            while (await updates.MoveNextAsync())
            {
                seen.Add(updates.Current.State);
            }
        });

        await h.CompleteAsync(handle);
        await watching.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(CheckoutState.Succeeded, seen[^1]);
        Assert.Contains(CheckoutState.WaitingForCustomer, seen);
    }

    [Fact]
    public async Task The_snapshot_shows_a_refund_and_a_later_capture_made_after_completion()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        var paid = await h.Checkout.StartAsync(h.Sale("order-snap-refund", 3000));
        await h.CompleteAsync(paid);
        var manual = await h.Checkout.StartAsync(CheckoutHarness.Request("order-snap-manual", 2000, h.ReaderId) with { CaptureMode = CheckoutCaptureMode.Manual });
        await h.CompleteAsync(manual);

        var refund = h.Checkout.RefundAsync("order-snap-refund", 1000);
        await h.RunUntilAsync(() => refund.IsCompleted);
        var capture = h.Checkout.CaptureAsync("order-snap-manual");
        await h.RunUntilAsync(() => capture.IsCompleted);

        Assert.Equal(CheckoutOperationStatus.Succeeded, (await refund).Status);
        Assert.Equal(CheckoutOperationStatus.Succeeded, (await capture).Status);
        Assert.Equal(CheckoutState.PartiallyRefunded, (await h.Checkout.GetAsync("order-snap-refund"))!.State);
        Assert.Equal(CheckoutState.Succeeded, (await h.Checkout.GetAsync("order-snap-manual"))!.State);
    }

    [Fact]
    public async Task The_reader_is_free_for_the_next_sale_by_the_time_the_result_is_visible()
    {
        var store = new OrderRecordingStore();
        await using var h = await CheckoutHarness.StartAsync(store: store);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        var handle = await h.Checkout.StartAsync(h.Sale("order-release"));
        store.Handle = handle;

        await h.CompleteAsync(handle);

        // A POS that sees the result starts the next sale at once: the reader must already be released.
        Assert.False(store.ResultVisibleAtRelease);
        Assert.Null(await store.GetReaderHolderAsync(h.ReaderId));
    }

    private sealed class OrderRecordingStore : ForwardingCheckoutStore
    {
        public CheckoutHandle? Handle { get; set; }

        public bool? ResultVisibleAtRelease { get; private set; }

        public override ValueTask ReleaseReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default)
        {
            ResultVisibleAtRelease = Handle?.HasCompleted;
            return base.ReleaseReaderAsync(readerId, checkoutId, cancellationToken);
        }
    }

    [Fact]
    public async Task After_a_crash_mid_payment_the_checkout_resumes_from_the_store_and_charges_once()
    {
        await using var before = await CheckoutHarness.StartAsync();
        var handle = await before.Checkout.StartAsync(before.Sale("order-crash", 3300));
        await before.RunUntilAsync(() => handle.State == CheckoutState.WaitingForCustomer);

        await using var after = await before.CrashAndRestartAsync();
        var resumed = await after.Checkout.ResumeUnfinishedAsync();
        after.Emulator.Customer.Tap(after.ReaderId, TestCards.Visa);
        var result = await after.CompleteAsync(Assert.Single(resumed));

        Assert.IsType<CheckoutSucceeded>(result);
        var ledger = after.Emulator.GetLedger();
        Assert.Equal("succeeded", Assert.Single(ledger.PaymentIntents).Status);
        Assert.Single(ledger.Charges, c => c.Status == "succeeded");
        Assert.Empty(await after.Checkout.ListUnfinishedAsync().ToListAsync());
    }

    [Fact]
    public async Task A_crash_right_after_the_authorisation_resumes_to_a_single_capture()
    {
        await using var before = await CheckoutHarness.StartAsync(webhooks: false);
        var handle = await before.Checkout.StartAsync(before.Sale("order-crash-auth", 4100));
        await before.RunUntilAsync(() => handle.State == CheckoutState.WaitingForCustomer);
        before.Emulator.Customer.Tap(before.ReaderId, TestCards.Mastercard);

        await using var after = await before.CrashAndRestartAsync();
        var again = await after.Checkout.StartAsync(after.Sale("order-crash-auth", 4100));
        var result = await after.CompleteAsync(again);

        var ok = Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal(4100, ok.AmountCaptured);
        var charge = Assert.Single(after.Emulator.GetLedger().Charges);
        Assert.Equal(4100, charge.AmountCaptured);
        Assert.Equal(1, after.Emulator.RequestLog.Count(r => r.Operation == EmulatorOperations.PaymentIntentsCreate));
    }
}
