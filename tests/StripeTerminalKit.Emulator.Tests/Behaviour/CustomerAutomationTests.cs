using Stripe.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// <see cref="EmulatorCustomer"/>: a scripted customer at the readers who taps a card, cancels or
/// walks away, after a delay on the emulator's clock.
/// </summary>
public sealed class CustomerAutomationTests
{
    [Theory]
    [InlineData("42")]
    [InlineData("")]
    [InlineData("4242-4242-4242-4242")]
    [InlineData("42424242424242424242")]
    public async Task A_card_number_that_is_not_12_to_19_digits_is_refused_before_it_reaches_a_reader(string number)
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);

        Assert.Throws<ArgumentException>(() => s.Emulator.Customer.Tap(s.ReaderId, number));
        Assert.Throws<ArgumentException>(() => CustomerAction.Tap(number));
        Assert.Equal("in_progress", (await s.GetReaderAsync()).Action.Status);
    }

    [Fact]
    public async Task The_customer_taps_the_chosen_card_after_the_delay()
    {
        await using var s = await Scenario.StartAsync();
        s.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Amex, TimeSpan.FromSeconds(3), tip: 50));
        var pi = await s.CreatePaymentIntentAsync(1000);

        var acknowledged = await s.ProcessAsync(pi.Id);
        s.Time.Advance(TimeSpan.FromSeconds(3) - TimeSpan.FromTicks(1));
        var before = await s.GetReaderAsync();
        s.Time.Advance(TimeSpan.FromTicks(1));
        var after = await s.GetReaderAsync();
        var paid = await s.GetPaymentIntentAsync(pi.Id);

        Assert.Equal("in_progress", acknowledged.Action.Status);
        Assert.Equal("in_progress", before.Action.Status);
        Assert.Equal("succeeded", after.Action.Status);
        Assert.Equal("succeeded", paid.Status);
        Assert.Equal(1050, paid.AmountReceived);
        Assert.Equal("amex", paid.LatestCharge.PaymentMethodDetails.CardPresent.Brand);
    }

    [Fact]
    public async Task The_customer_cancels_on_the_reader_after_the_delay_when_allowed()
    {
        await using var s = await Scenario.StartAsync();
        s.Emulator.Customer.Automate(CustomerAction.CancelOnReader(TimeSpan.FromSeconds(2)));
        var allowed = await s.CreatePaymentIntentAsync(1000);
        var other = await s.AddReaderAsync();
        var notAllowed = await s.CreatePaymentIntentAsync(1000);

        await s.ProcessAsync(allowed.Id, new ReaderProcessConfigOptions { EnableCustomerCancellation = true });
        await s.ProcessAsync(notAllowed.Id, readerId: other);
        s.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal("customer_canceled", (await s.GetReaderAsync()).Action.FailureCode);
        Assert.Equal("in_progress", (await s.GetReaderAsync(other)).Action.Status);
    }

    [Fact]
    public async Task A_customer_who_would_pay_fills_in_a_form_and_one_who_would_cancel_skips_what_is_optional()
    {
        await using var s = await Scenario.StartAsync();
        var skipper = await s.AddReaderAsync();
        s.Emulator.Customer.Automate(s.ReaderId, _ => CustomerAction.Tap(delay: TimeSpan.FromSeconds(4)));
        s.Emulator.Customer.Automate(skipper, _ => CustomerAction.CancelOnReader(TimeSpan.FromSeconds(4)));
        var form = new ReaderCollectInputsOptions
        {
            Inputs = [new ReaderInputOptions { Type = "email", Required = false, CustomText = new ReaderInputCustomTextOptions { Title = "Receipt email", SkipButton = "Skip" } }],
        };

        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, form);
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(skipper, form);
        s.Time.Advance(TimeSpan.FromSeconds(4) - TimeSpan.FromTicks(1));
        var before = await s.GetReaderAsync();
        s.Time.Advance(TimeSpan.FromTicks(1));
        var filled = await s.GetReaderAsync();
        var skipped = await s.GetReaderAsync(skipper);

        Assert.Equal("in_progress", before.Action.Status);
        Assert.Equal("succeeded", filled.Action.Status);
        Assert.Equal("someone@example.com", Assert.Single(filled.Action.CollectInputs.Inputs).Email.Value);
        Assert.Equal("succeeded", skipped.Action.Status);
        Assert.True(Assert.Single(skipped.Action.CollectInputs.Inputs).Skipped);
    }

    [Fact]
    public async Task A_customer_who_walks_away_leaves_the_reader_waiting()
    {
        await using var s = await Scenario.StartAsync();
        s.Emulator.Customer.Automate(CustomerAction.WalkAway);
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);

        s.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal("in_progress", (await s.GetReaderAsync()).Action.Status);
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task The_script_sees_each_prompt_and_decides_per_payment()
    {
        await using var s = await Scenario.StartAsync();
        var prompts = new List<CustomerPrompt>();
        s.Emulator.Customer.Automate(prompt =>
        {
            prompts.Add(prompt);
            return prompt.Amount >= 5000 ? CustomerAction.Tap(TestCards.InsufficientFunds) : CustomerAction.Tap(TestCards.Visa);
        });
        var small = await s.CreatePaymentIntentAsync(1000);
        var large = await s.CreatePaymentIntentAsync(9000);

        await s.ProcessAsync(small.Id);
        s.Time.Advance(TimeSpan.Zero);
        await s.ProcessAsync(large.Id);
        s.Time.Advance(TimeSpan.Zero);

        Assert.Equal([(s.ReaderId, "process_payment_intent", small.Id, 1000L), (s.ReaderId, "process_payment_intent", large.Id, 9000L)],
            prompts.Select(p => (p.ReaderId, p.ActionType, p.PaymentIntentId!, p.Amount!.Value)));
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(small.Id)).Status);
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(large.Id)).Status);
    }

    [Fact]
    public async Task A_customer_for_one_reader_wins_over_the_fleet_wide_one_until_stopped()
    {
        await using var s = await Scenario.StartAsync();
        var other = await s.AddReaderAsync();
        s.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(1)));
        s.Emulator.Customer.Automate(other, _ => CustomerAction.Tap(TestCards.Declined, TimeSpan.FromSeconds(1)));
        var a = await s.CreatePaymentIntentAsync(1000);
        var b = await s.CreatePaymentIntentAsync(1000);

        await s.ProcessAsync(a.Id);
        await s.ProcessAsync(b.Id, readerId: other);
        s.Time.Advance(TimeSpan.FromSeconds(1));
        s.Emulator.Customer.Stop(other);
        await s.ProcessAsync(b.Id, readerId: other);
        s.Time.Advance(TimeSpan.FromSeconds(1));
        s.Emulator.Customer.Stop();
        var c = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(c.Id);
        s.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(a.Id)).Status);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(b.Id)).Status);
        Assert.Equal(2, s.Emulator.GetLedger().Charges.Count(ch => ch.PaymentIntentId == b.Id));
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(c.Id)).Status);
    }

    [Fact]
    public async Task A_scheduled_tap_does_nothing_once_the_prompt_is_gone()
    {
        await using var s = await Scenario.StartAsync();
        s.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(5)));
        var first = await s.CreatePaymentIntentAsync(1000);
        var second = await s.CreatePaymentIntentAsync(2000);
        var third = await s.CreatePaymentIntentAsync(3000);

        await s.ProcessAsync(first.Id);
        s.Time.Advance(TimeSpan.FromSeconds(2));
        await s.CancelActionAsync(); // one action at a time: the first must be cancelled before its tap
        await s.ProcessAsync(second.Id);
        s.Time.Advance(TimeSpan.FromSeconds(3));
        var afterFirstTapDue = await s.GetPaymentIntentAsync(second.Id);
        s.Time.Advance(TimeSpan.FromSeconds(2));
        await s.ProcessAsync(third.Id); // the second has succeeded: the reader is free
        await s.CancelActionAsync();
        s.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(first.Id)).Status);
        Assert.Equal("requires_payment_method", afterFirstTapDue.Status);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(second.Id)).Status);
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(third.Id)).Status);
        Assert.Single(s.Emulator.GetLedger().Charges);
    }

    [Fact]
    public async Task The_customer_also_serves_the_two_step_flow()
    {
        await using var s = await Scenario.StartAsync();
        s.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Mastercard, TimeSpan.FromSeconds(1)));
        var pi = await s.CreatePaymentIntentAsync(1000);

        await s.CollectAsync(pi.Id);
        s.Time.Advance(TimeSpan.FromSeconds(1));
        var collected = await s.GetPaymentIntentAsync(pi.Id);
        var confirmed = await s.ConfirmAsync(pi.Id);

        Assert.Equal("requires_confirmation", collected.Status);
        Assert.Equal("succeeded", confirmed.Action.Status);
    }

    [Fact]
    public async Task Tap_now_presents_a_card_only_when_a_reader_waits_for_one()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);

        var idle = s.Emulator.Customer.Tap(s.ReaderId);
        await s.ProcessAsync(pi.Id);
        var waiting = s.Emulator.Customer.Tap(s.ReaderId, TestCards.Discover, tip: 100);
        var unknown = s.Emulator.Customer.Tap("tmr_unknown");

        Assert.False(idle);
        Assert.True(waiting);
        Assert.False(unknown);
        var paid = await s.GetPaymentIntentAsync(pi.Id);
        Assert.Equal(1100, paid.AmountReceived);
        Assert.Equal("discover", paid.LatestCharge.PaymentMethodDetails.CardPresent.Brand);
    }
}
