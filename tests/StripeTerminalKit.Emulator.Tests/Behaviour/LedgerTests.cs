using Stripe;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// <see cref="StripeEmulator.GetLedger"/> and <see cref="StripeEmulator.RequestLog"/>: what a test
/// checks its money invariants against.
/// </summary>
public sealed class LedgerTests
{
    [Fact]
    public async Task The_ledger_records_intents_charges_refunds_and_reader_actions()
    {
        await using var s = await Scenario.StartAsync();
        var declinedThenPaid = await s.CreatePaymentIntentAsync(1000, captureMethod: "manual");
        await s.ProcessAsync(declinedThenPaid.Id);
        await s.PresentAsync(TestCards.LostCard);
        await s.ProcessAsync(declinedThenPaid.Id);
        await s.PresentAsync(TestCards.Mastercard, tip: 100);
        await s.Stripe.V1.PaymentIntents.CaptureAsync(declinedThenPaid.Id, new PaymentIntentCaptureOptions { AmountToCapture = 900 });
        await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = declinedThenPaid.Id, Amount = 400 });
        var abandoned = await s.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 500,
            Currency = "aud",
            AllowedPaymentMethodTypes = ["card_present"],
            Metadata = new Dictionary<string, string> { ["order"] = "77" },
        });
        await s.ProcessAsync(abandoned.Id);
        s.Time.Advance(TimeSpan.FromMinutes(1));
        await s.CancelActionAsync();
        await s.Stripe.V1.PaymentIntents.CancelAsync(abandoned.Id, new PaymentIntentCancelOptions { CancellationReason = "abandoned" });

        var ledger = s.Emulator.GetLedger();

        Assert.Equal([declinedThenPaid.Id, abandoned.Id], ledger.PaymentIntents.Select(p => p.Id));
        var paid = ledger.PaymentIntents[0];
        Assert.Equal(("succeeded", 1100L, 900L, 0L, 100L, "manual"), (paid.Status, paid.Amount, paid.AmountReceived, paid.AmountCapturable, paid.TipAmount, paid.CaptureMethod));
        Assert.Equal("aud", paid.Currency);
        Assert.Equal(Scenario.Start, paid.Created);
        var cancelled = ledger.PaymentIntents[1];
        Assert.Equal(("canceled", "abandoned", "77"), (cancelled.Status, cancelled.CancellationReason, cancelled.Metadata["order"]));

        Assert.Equal(2, ledger.Charges.Count);
        var failed = ledger.Charges[0];
        Assert.Equal(("failed", "card_declined", false, "9987"), (failed.Status, failed.FailureCode, failed.Captured, failed.Last4));
        var charge = ledger.Charges[1];
        Assert.Equal(paid.LatestChargeId, charge.Id);
        Assert.Equal((1100L, 900L, 400L, true, false, "mastercard", "mastercard"), (charge.Amount, charge.AmountCaptured, charge.AmountRefunded, charge.Captured, charge.Voided, charge.Brand, charge.Network));

        var refund = Assert.Single(ledger.Refunds);
        Assert.Equal((charge.Id, declinedThenPaid.Id, 400L, "succeeded", false), (refund.ChargeId, refund.PaymentIntentId, refund.Amount, refund.Status, refund.InPerson));

        Assert.Equal(
            [("process_payment_intent", "failed", "card_declined"), ("process_payment_intent", "succeeded", null), ("process_payment_intent", "canceled", null)],
            ledger.ReaderActions.Select(a => (a.Type, a.Status, a.FailureCode)));
        var stopped = ledger.ReaderActions[2];
        Assert.Equal(s.ReaderId, stopped.ReaderId);
        Assert.Equal(abandoned.Id, stopped.PaymentIntentId);
        Assert.Equal(TimeSpan.FromMinutes(1), stopped.EndedAt - stopped.StartedAt);
        Assert.True(ledger.ReaderActions.Select(a => a.Number).SequenceEqual(ledger.ReaderActions.Select(a => a.Number).Order()));
    }

    [Fact]
    public async Task An_action_still_running_has_no_end()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);

        var action = Assert.Single(s.Emulator.GetLedger().ReaderActions);

        Assert.Equal("in_progress", action.Status);
        Assert.Null(action.EndedAt);
    }

    [Fact]
    public async Task A_ledger_is_a_snapshot_that_later_changes_do_not_touch()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        var before = s.Emulator.GetLedger();

        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);

        Assert.Equal("requires_payment_method", before.PaymentIntents.Single().Status);
        Assert.Empty(before.Charges);
        Assert.Empty(before.ReaderActions);
        Assert.Equal("succeeded", s.Emulator.GetLedger().PaymentIntents.Single().Status);
    }

    [Fact]
    public async Task The_request_log_records_each_request_with_its_key_status_error_and_fault()
    {
        await using var s = await Scenario.StartAsync();
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.ReaderBusy) { MaxTimes = 1 });
        var pi = await s.CreatePaymentIntentAsync(1000, requestOptions: new RequestOptions { IdempotencyKey = "create-1" });
        await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id, requestOptions: new RequestOptions { IdempotencyKey = "ppi-1" }));
        await s.GetReaderAsync();

        var log = s.Emulator.RequestLog.Skip(2).ToArray(); // after the location and reader set-up

        Assert.Equal(
            [("POST", "/v1/payment_intents", EmulatorOperations.PaymentIntentsCreate, "create-1", 200, null, (FaultKind?)null),
             ("POST", $"/v1/terminal/readers/{s.ReaderId}/process_payment_intent", EmulatorOperations.ProcessPaymentIntent, "ppi-1", 400, "terminal_reader_busy", FaultKind.ReaderBusy),
             ("GET", $"/v1/terminal/readers/{s.ReaderId}", EmulatorOperations.ReadersGet, null, 200, null, null)],
            log.Select(r => (r.Method, r.Path, r.Operation, r.IdempotencyKey, r.StatusCode, r.ErrorCode, r.Fault)));
        Assert.All(log, r => Assert.Equal(Scenario.Start, r.At));
        Assert.All(log, r => Assert.Null(r.StripeAccount));
    }

    [Fact]
    public async Task The_request_log_names_the_connected_account()
    {
        await using var s = await Scenario.StartAsync();
        var connected = s.Emulator.CreateStripeClient(stripeAccount: "acct_123");

        await connected.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] });

        Assert.Equal("acct_123", s.Emulator.RequestLog[^1].StripeAccount);
    }

    [Fact]
    public async Task The_request_log_keeps_each_request_user_agent_as_sent()
    {
        await using var s = await Scenario.StartAsync();
        using var http = new HttpClient(s.Emulator.CreateHttpMessageHandler());
        using var request = new HttpRequestMessage(HttpMethod.Get, StripeEmulator.DefaultApiBase + "/v1/terminal/readers/" + s.ReaderId);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", StripeEmulator.TestApiKey);
        request.Headers.TryAddWithoutValidation("User-Agent", "Stripe/V1 .NetBindings/53.1.0 stk-instance/web-1");

        using var response = await http.SendAsync(request);
        await s.GetReaderAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Stripe/V1 .NetBindings/53.1.0 stk-instance/web-1", s.Emulator.RequestLog[^2].UserAgent);
        Assert.StartsWith("Stripe/V1 .NetBindings/", s.Emulator.RequestLog[^1].UserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_request_log_names_the_payment_intent_each_request_concerned()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000, captureMethod: "manual");
        await s.ProcessAsync(pi.Id);
        await s.GetReaderAsync();
        await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id)); // the reader is busy with it: refused, still about pi
        await s.PresentAsync(TestCards.Visa);
        await s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id);
        await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 100 });
        await s.Stripe.V1.Terminal.Locations.GetAsync(s.LocationId);

        var log = s.Emulator.RequestLog.Skip(2).ToArray(); // after the location and reader set-up

        Assert.Equal(
            [(EmulatorOperations.PaymentIntentsCreate, 200), (EmulatorOperations.ProcessPaymentIntent, 200), (EmulatorOperations.ReadersGet, 200),
             (EmulatorOperations.ProcessPaymentIntent, 400), (EmulatorOperations.PresentPaymentMethod, 200), (EmulatorOperations.PaymentIntentsCapture, 200),
             (EmulatorOperations.RefundsCreate, 200), (EmulatorOperations.LocationsGet, 200)],
            log.Select(r => (r.Operation, r.StatusCode)));
        Assert.All(log[..^1], r => Assert.Equal(pi.Id, r.PaymentIntentId));
        Assert.Null(log[^1].PaymentIntentId);
    }

    [Fact]
    public async Task An_idempotent_replay_names_the_payment_intent_of_the_first_answer()
    {
        await using var s = await Scenario.StartAsync();
        var options = new RequestOptions { IdempotencyKey = "create-once" };
        var pi = await s.CreatePaymentIntentAsync(1000, requestOptions: options);

        await s.CreatePaymentIntentAsync(1000, requestOptions: options);

        var replay = s.Emulator.RequestLog[^1];
        Assert.True(replay.Replayed);
        Assert.Equal(pi.Id, replay.PaymentIntentId);
    }

    [Fact]
    public async Task The_request_log_is_numbered_and_read_in_pages()
    {
        await using var s = await Scenario.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await s.GetReaderAsync();
        }

        var all = s.Emulator.RequestLog;
        var first = s.Emulator.GetRequestLog(0, 2);
        var rest = s.Emulator.GetRequestLog(first[^1].Sequence, 100);

        Assert.Equal([1L, 2L, 3L, 4L, 5L], all.Select(r => r.Sequence));
        Assert.Equal([1L, 2L], first.Select(r => r.Sequence));
        Assert.Equal([3L, 4L, 5L], rest.Select(r => r.Sequence));
        Assert.Empty(s.Emulator.GetRequestLog(5, 100));
        Assert.Empty(s.Emulator.GetRequestLog(99, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Emulator.GetRequestLog(0, 0));
    }
}
