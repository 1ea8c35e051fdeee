namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// Stripe's test amounts: the last two digits of the amount (minor units, tip included) pick
/// the outcome, with any standard test card, eftpos cards included.
/// </summary>
public sealed class TestAmountsTests
{
    [Theory]
    [InlineData(1001, "call_issuer")]
    [InlineData(1005, "generic_decline")]
    [InlineData(1060, "online_or_offline_pin_required")] // docs: terminal/references/testing; corrections table, "Test amounts"
    [InlineData(260, "online_or_offline_pin_required")]
    [InlineData(1055, "incorrect_pin")]
    [InlineData(1065, "withdrawal_count_limit_exceeded")]
    [InlineData(1075, "pin_try_exceeded")]
    public async Task An_amount_ending_in_a_decline_ending_declines_with_its_code(long amount, string declineCode)
    {
        await using var s = await Scenario.StartAsync();

        var (pi, reader) = await s.PayAsync(amount, TestCards.Visa);

        Assert.Equal("failed", reader.Action.Status);
        Assert.Equal("card_declined", reader.Action.FailureCode);
        Assert.Equal(declineCode, reader.Action.ApiError.DeclineCode);
        Assert.Equal("requires_payment_method", pi.Status);
        Assert.Equal(declineCode, pi.LastPaymentError.DeclineCode);
    }

    /// <summary>
    /// <c>…02</c>/<c>…03</c> require a PIN: "a reader with a customer screen (S700, WisePOS E, V660p)
    /// prompts for the PIN (1234) and completes; only screenless readers decline" (docs:
    /// terminal/references/testing; facts corrections table, row "Test amounts").
    /// </summary>
    [Theory]
    [InlineData(1002, "simulated-s700")]
    [InlineData(1003, "simulated-s700")]
    [InlineData(1002, "simulated-wpe")]
    [InlineData(1003, "simulated-wpe")]
    [InlineData(1002, "simulated-v660p")]
    [InlineData(1003, "simulated-v660p")]
    [InlineData(1003, "simulated-s710")]
    public async Task A_pin_amount_on_a_reader_with_a_customer_screen_completes(long amount, string registrationCode)
    {
        await using var s = await Scenario.StartAsync(registrationCode: registrationCode);

        var (pi, reader) = await s.PayAsync(amount, TestCards.Visa);

        Assert.Equal("succeeded", reader.Action.Status);
        Assert.Null(reader.Action.FailureCode);
        Assert.Equal(amount, pi.AmountReceived);
        Assert.Null(pi.LastPaymentError);
    }

    /// <summary>The screenless readers (server-driven cannot register one, so the rule is checked directly) decline …02/…03.</summary>
    [Theory]
    [InlineData(1002, true, null)]
    [InlineData(1003, true, null)]
    [InlineData(1002, false, "offline_pin_required")]
    [InlineData(1003, false, "online_or_offline_pin_required")]
    [InlineData(1060, true, "online_or_offline_pin_required")]
    [InlineData(1060, false, "online_or_offline_pin_required")]
    public void Pin_amounts_decline_only_without_a_customer_screen(long amount, bool screen, string? expected)
    {
        Assert.Equal(expected, Cards.CardCatalog.DeclineCodeForAmount(amount, screen));
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1004)]
    [InlineData(1099)]
    [InlineData(100)]
    public async Task Other_amounts_are_approved(long amount)
    {
        await using var s = await Scenario.StartAsync();

        var (pi, reader) = await s.PayAsync(amount, TestCards.Mastercard);

        Assert.Equal("succeeded", reader.Action.Status);
        Assert.Equal("succeeded", pi.Status);
        Assert.Equal(amount, pi.AmountReceived);
    }

    [Theory]
    [InlineData(1000, 5, "generic_decline")]
    [InlineData(950, 51, "call_issuer")]
    [InlineData(1000, 55, "incorrect_pin")]
    public async Task The_tip_is_part_of_the_evaluated_amount(long amount, long tip, string declineCode)
    {
        await using var s = await Scenario.StartAsync();

        var (pi, reader) = await s.PayAsync(amount, TestCards.Visa, tip: tip);

        Assert.Equal("failed", reader.Action.Status);
        Assert.Equal(declineCode, reader.Action.ApiError.DeclineCode);
        Assert.Equal("requires_payment_method", pi.Status);
    }

    [Fact]
    public async Task A_tip_that_brings_a_decline_amount_to_an_approved_one_is_approved()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, reader) = await s.PayAsync(1005, TestCards.Visa, tip: 95);

        Assert.Equal("succeeded", reader.Action.Status);
        Assert.Equal(1100, pi.AmountReceived);
    }

    [Fact]
    public async Task Zero_decimal_currencies_use_the_rightmost_two_digits()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, reader) = await s.PayAsync(105, TestCards.Visa, currency: "jpy");

        Assert.Equal("failed", reader.Action.Status);
        Assert.Equal("generic_decline", reader.Action.ApiError.DeclineCode);
        Assert.Equal("requires_payment_method", pi.Status);
    }

    [Theory]
    [InlineData(TestCards.EftposAuDebit)]
    [InlineData(TestCards.EftposAuVisaDebit)]
    public async Task Eftpos_cards_use_the_same_test_amounts(string card)
    {
        await using var s = await Scenario.StartAsync();

        var (pi, reader) = await s.PayAsync(2055, card, captureMethod: "automatic");

        Assert.Equal("failed", reader.Action.Status);
        Assert.Equal("incorrect_pin", reader.Action.ApiError.DeclineCode);
        Assert.Equal("eftpos_au", pi.LatestCharge.PaymentMethodDetails.CardPresent.Network);
    }

    [Fact]
    public async Task A_decline_amount_declines_in_the_two_step_flow_at_confirmation()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1065);
        await s.CollectAsync(pi.Id);
        var collected = await s.PresentAsync(TestCards.Visa);
        Assert.Equal("succeeded", collected.Action.Status);

        var confirmed = await s.ConfirmAsync(pi.Id);

        Assert.Equal("confirm_payment_intent", confirmed.Action.Type);
        Assert.Equal("failed", confirmed.Action.Status);
        Assert.Equal("withdrawal_count_limit_exceeded", confirmed.Action.ApiError.DeclineCode);
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }
}
