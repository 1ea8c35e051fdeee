namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// Every simulated test card in <see cref="TestCards"/>, presented on a reader: the brand,
/// funding and network Stripe reports on the charge, and for the error cards the failure code
/// and decline code on the reader action, its <c>api_error</c> and the PaymentIntent.
/// </summary>
public sealed class TestCardsTests
{
    public static TheoryData<string, string, string, string> ApprovedCards => new()
    {
        // number, brand, funding, network (USD, so no eftpos routing applies)
        { TestCards.Visa, "visa", "credit", "visa" },
        { TestCards.VisaDebit, "visa", "debit", "visa" },
        { TestCards.Mastercard, "mastercard", "credit", "mastercard" },
        { TestCards.MastercardDebit, "mastercard", "debit", "mastercard" },
        { TestCards.MastercardPrepaid, "mastercard", "prepaid", "mastercard" },
        { TestCards.Amex, "amex", "credit", "amex" },
        { TestCards.Discover, "discover", "credit", "discover" },
        { TestCards.Diners, "diners", "credit", "diners" },
        { TestCards.Jcb, "jcb", "credit", "jcb" },
        { TestCards.UnionPay, "unionpay", "credit", "unionpay" },
        { TestCards.OfflinePin, "visa", "credit", "visa" },
        { TestCards.OnlinePin, "visa", "credit", "visa" },
        { TestCards.RefundFails, "visa", "credit", "visa" },
        { TestCards.EftposAuVisaDebit, "visa", "debit", "visa" },
        { TestCards.EftposAuMastercardDebit, "mastercard", "debit", "mastercard" },
    };

    [Theory]
    [MemberData(nameof(ApprovedCards))]
    public async Task An_approved_card_authorises_with_its_brand_funding_and_network(string number, string brand, string funding, string network)
    {
        await using var s = await Scenario.StartAsync();

        var (pi, reader) = await s.PayAsync(1000, number, currency: "usd", captureMethod: "manual");

        Assert.Equal("succeeded", reader.Action.Status);
        Assert.Null(reader.Action.FailureCode);
        Assert.Equal("requires_capture", pi.Status);
        var card = pi.LatestCharge.PaymentMethodDetails.CardPresent;
        Assert.Equal(brand, card.Brand);
        Assert.Equal(funding, card.Funding);
        Assert.Equal(network, card.Network);
        Assert.Equal(number[^4..], card.Last4);
        Assert.Equal("card_present", pi.LatestCharge.PaymentMethodDetails.Type);
        Assert.True(pi.LatestCharge.Paid);
        Assert.Equal("succeeded", pi.LatestCharge.Status);
    }

    [Theory]
    [InlineData(TestCards.EftposAuDebit, "eftpos_au", "debit", "eftpos_au")]
    [InlineData(TestCards.EftposAuVisaDebit, "visa", "debit", "eftpos_au")]
    [InlineData(TestCards.EftposAuMastercardDebit, "mastercard", "debit", "eftpos_au")]
    public async Task An_eftpos_card_tapped_in_AUD_with_automatic_capture_goes_through_eftpos(string number, string brand, string funding, string network)
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(1000, number, captureMethod: "automatic");

        var card = pi.LatestCharge.PaymentMethodDetails.CardPresent;
        Assert.Equal(brand, card.Brand);
        Assert.Equal(funding, card.Funding);
        Assert.Equal(network, card.Network);
        Assert.Equal("succeeded", pi.Status);
    }

    [Fact]
    public async Task The_interac_card_is_an_interac_debit_card()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(1000, TestCards.Interac, currency: "cad", types: ["interac_present"]);

        Assert.Equal("interac_present", pi.LatestCharge.PaymentMethodDetails.Type);
        var card = pi.LatestCharge.PaymentMethodDetails.InteracPresent;
        Assert.Equal("interac", card.Brand);
        Assert.Equal("debit", card.Funding);
        Assert.Equal("interac", card.Network);
    }

    [Theory]
    [InlineData(TestCards.OfflinePin, "offline_pin")]
    [InlineData(TestCards.OnlinePin, "online_pin")]
    [InlineData(TestCards.Visa, "none")]
    public async Task A_PIN_card_reports_its_cardholder_verification_method_on_the_receipt(string number, string cvm)
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(1000, number, currency: "usd");

        Assert.Equal(cvm, pi.LatestCharge.PaymentMethodDetails.CardPresent.Receipt.CardholderVerificationMethod);
    }

    public static TheoryData<string, string, string, string> DeclinedCards => new()
    {
        // number, failure code, decline code, message
        { TestCards.Declined, "card_declined", "generic_decline", "Your card was declined." },
        { TestCards.InsufficientFunds, "card_declined", "insufficient_funds", "Your card has insufficient funds." },
        { TestCards.LostCard, "card_declined", "lost_card", "Your card was declined." },
        { TestCards.StolenCard, "card_declined", "stolen_card", "Your card was declined." },
        { TestCards.ExpiredCard, "expired_card", "expired_card", "Your card has expired." },
        { TestCards.ProcessingError, "processing_error", "processing_error", "An error occurred while processing your card. Try again in a little bit." },
    };

    [Theory]
    [MemberData(nameof(DeclinedCards))]
    public async Task A_declining_card_fails_the_action_with_its_codes_and_leaves_the_intent_reusable(string number, string code, string declineCode, string message)
    {
        await using var s = await Scenario.StartAsync();

        var (pi, reader) = await s.PayAsync(1000, number);

        Assert.Equal("failed", reader.Action.Status);
        Assert.Equal(code, reader.Action.FailureCode);
        Assert.Equal(message, reader.Action.FailureMessage);
        Assert.Equal("card_error", reader.Action.ApiError.Type);
        Assert.Equal(code, reader.Action.ApiError.Code);
        Assert.Equal(declineCode, reader.Action.ApiError.DeclineCode);
        Assert.Equal(number[^4..], reader.Action.ApiError.PaymentMethod.CardPresent.Last4);
        Assert.Equal("visa", reader.Action.ApiError.PaymentMethod.CardPresent.Brand);

        Assert.Equal("requires_payment_method", pi.Status);
        Assert.Equal(code, pi.LastPaymentError.Code);
        Assert.Equal(declineCode, pi.LastPaymentError.DeclineCode);
        Assert.Equal("failed", pi.LatestCharge.Status);
        Assert.Equal(code, pi.LatestCharge.FailureCode);
        Assert.False(pi.LatestCharge.Paid);
        Assert.Equal(0, pi.AmountReceived);

        // Stripe's advice: re-use the same PaymentIntent after a decline.
        await s.ProcessAsync(pi.Id);
        var retried = await s.PresentAsync(TestCards.Visa);
        Assert.Equal("succeeded", retried.Action.Status);
        var paid = await s.GetPaymentIntentAsync(pi.Id);
        Assert.Equal("succeeded", paid.Status);
        Assert.Null(paid.LastPaymentError);
        Assert.Equal(1000, paid.AmountReceived);
    }

    [Fact]
    public async Task Without_a_card_number_the_reader_presents_the_default_visa()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);

        await s.PresentAsync(card: null);

        var paid = await s.GetPaymentIntentAsync(pi.Id);
        Assert.Equal("visa", paid.LatestCharge.PaymentMethodDetails.CardPresent.Brand);
        Assert.Equal("4242", paid.LatestCharge.PaymentMethodDetails.CardPresent.Last4);
    }

    [Fact]
    public async Task An_interac_only_intent_defaults_to_the_interac_card()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000, "cad", types: ["interac_present"]);
        await s.ProcessAsync(pi.Id);

        await s.PresentAsync(card: null);

        var paid = await s.GetPaymentIntentAsync(pi.Id);
        Assert.Equal("interac", paid.LatestCharge.PaymentMethodDetails.InteracPresent.Brand);
    }
}
