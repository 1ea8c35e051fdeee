using StripeTerminalKit.Errors;
using StripeTerminalKit.Idempotency;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Tests.TestSupport;

namespace StripeTerminalKit.Tests.Validation;

/// <summary>Bad input fails with a typed error naming the parameter, and nothing reaches Stripe.</summary>
public sealed class BadInputTests
{
    public static TheoryData<string, string, Func<TestKit, Task>> Cases => new()
    {
        { "zero amount", "Amount", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(0)) },
        { "negative amount", "Amount", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(-5)) },
        { "amount over 99,999,999", "Amount", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(100_000_000)) },
        { "amount below the AUD minimum", "Amount", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(49)) },
        { "not an ISO 4217 currency", "Currency", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { Currency = "abc" }) },
        { "USD on an Australian account", "Currency", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { Currency = "usd" }) },
        { "Interac outside Canada", "AllowInterac", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { AllowInterac = true }) },
        { "incremental authorisation with automatic capture", "CaptureMethod", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { CaptureMethod = CaptureMethod.Automatic, RequestIncrementalAuthorizationSupport = true }) },
        { "51 metadata keys", "Metadata", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { Metadata = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v") }) },
        { "metadata key of 41 characters", "Metadata[" + new string('k', 41) + "]", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { Metadata = new Dictionary<string, string> { [new string('k', 41)] = "v" } }) },
        { "metadata value of 501 characters", "Metadata[order]", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { Metadata = new Dictionary<string, string> { ["order"] = new string('v', 501) } }) },
        { "metadata key with brackets", "Metadata[a[b]]", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { Metadata = new Dictionary<string, string> { ["a[b]"] = "v" } }) },
        { "idempotency key of 256 characters", "IdempotencyKey", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000), new TerminalCallOptions { IdempotencyKey = new IdempotencyKey(new string('k', 256)) }) },
        { "default idempotency key", "IdempotencyKey", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000), new TerminalCallOptions { IdempotencyKey = default(IdempotencyKey) }) },
        { "connected account that is not an account id", "ConnectedAccount", kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000), new TerminalCallOptions { ConnectedAccount = "cus_123" }) },
        { "empty PaymentIntent id", "paymentIntentId", kit => kit.Payments.GetAsync("") },
        { "whitespace PaymentIntent id", "paymentIntentId", kit => kit.Payments.CaptureAsync("   ") },
        { "PaymentIntent id with a slash", "paymentIntentId", kit => kit.Payments.CancelAsync("pi_1/../../v1/refunds") },
        { "reader id where a PaymentIntent id belongs", "readerId", kit => kit.Payments.ProcessOnReaderAsync("pi_123", "pi_123") },
        { "empty reader id", "readerId", kit => kit.Readers.CancelActionAsync("") },
        { "empty location id", "locationId", kit => kit.Locations.GetAsync("") },
        { "capture of zero", "amountToCapture", kit => kit.Payments.CaptureAsync("pi_123", 0) },
        { "refund of zero", "Amount", kit => kit.Payments.RefundAsync(new CreateRefundRequest("pi_123") { Amount = 0 }) },
        { "in-person refund of both a PaymentIntent and a charge", "PaymentIntentId", kit => kit.Payments.RefundOnReaderAsync("tmr_1", new InPersonRefundRequest { PaymentIntentId = "pi_1", ChargeId = "ch_1" }) },
        { "positive tip-eligible amount while skipping tips", "TipEligibleAmount", kit => kit.Payments.ProcessOnReaderAsync("tmr_1", "pi_1", new PaymentCollectionOptions { SkipTipping = true, TipEligibleAmount = 100 }) },
        { "negative tip-eligible amount", "TipEligibleAmount", kit => kit.Payments.ProcessOnReaderAsync("tmr_1", "pi_1", new PaymentCollectionOptions { TipEligibleAmount = -1 }) },
        { "cart without lines", "Cart.LineItems", kit => kit.Readers.ShowCartAsync("tmr_1", new ReaderCart("aud", [], 0, 0)) },
        { "cart line with quantity zero", "Cart.LineItems[0].Quantity", kit => kit.Readers.ShowCartAsync("tmr_1", new ReaderCart("aud", [new CartLineItem("Tea", 400, 0)], 0, 0)) },
        { "cart with negative tax", "Cart.Tax", kit => kit.Readers.ShowCartAsync("tmr_1", new ReaderCart("aud", [new CartLineItem("Tea", 400)], -1, 399)) },
        { "list page size over 100", "pageSize", kit => kit.Locations.ListAsync(pageSize: 101).GetAsyncEnumerator().MoveNextAsync().AsTask() },
        { "reader filter on unknown status", "NetworkStatus", kit => kit.Readers.ListAsync(new ReaderListFilter { NetworkStatus = ReaderNetworkStatus.Unknown }).GetAsyncEnumerator().MoveNextAsync().AsTask() },
        { "selection without choices", "Inputs[0].Choices", kit => kit.Readers.CollectInputsAsync("tmr_1", new CollectInputsRequest([new SelectionInput(new InputCustomText("Pick"), [])])) },
        { "registration code missing", "RegistrationCode", kit => kit.Readers.RegisterAsync(new RegisterReaderRequest(" ")) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Is_refused_before_any_request(string input, string parameter, Func<TestKit, Task> call)
    {
        await using var kit = TestKit.OnEmulator("AU");

        var error = await TestKit.ThrowsAsync<TerminalValidationException>(() => call(kit));

        Assert.True(parameter == error.Parameter, $"{input}: expected parameter {parameter}, got {error.Parameter} ({error.Message})");
        Assert.Equal("validation_failed", error.ErrorCode);
        Assert.StartsWith(parameter, error.Message, StringComparison.Ordinal);
        Assert.Empty(kit.Emulator!.RequestLog);
    }

    [Fact]
    public void A_cart_built_from_lines_adds_up()
    {
        var cart = ReaderCart.Create("aud", [new CartLineItem("Flat white", 520, 3), new CartLineItem("Banana bread", 650)], tax: 221);

        Assert.Equal(520 * 3 + 650 + 221, cart.Total);
    }

    [Fact]
    public void Zero_decimal_currencies_and_minimums_follow_stripe()
    {
        Assert.True(StripeTerminalKit.Validation.TerminalCurrencies.IsZeroDecimal("JPY"));
        Assert.False(StripeTerminalKit.Validation.TerminalCurrencies.IsZeroDecimal("aud"));
        Assert.Equal(50, StripeTerminalKit.Validation.TerminalCurrencies.GetMinimumChargeAmount("aud"));
        Assert.Equal(30, StripeTerminalKit.Validation.TerminalCurrencies.GetMinimumChargeAmount("GBP"));
        Assert.Equal(50, StripeTerminalKit.Validation.TerminalCurrencies.GetMinimumChargeAmount("jpy"));
        Assert.Equal(1, StripeTerminalKit.Validation.TerminalCurrencies.GetMinimumChargeAmount("zar"));
        Assert.True(StripeTerminalKit.Validation.TerminalCurrencies.IsIso4217("NZD"));
        Assert.False(StripeTerminalKit.Validation.TerminalCurrencies.IsIso4217("xau"));
        Assert.False(StripeTerminalKit.Validation.TerminalCurrencies.IsIso4217("aud "));
    }

    [Theory]
    [InlineData("AU", "aud", true)]
    [InlineData("AU", "usd", false)]
    [InlineData("CA", "cad", true)]
    [InlineData("CA", "usd", false)]
    [InlineData("US", "usd", true)]
    [InlineData("IE", "eur", true)]
    [InlineData("GB", "gbp", true)]
    [InlineData("BR", "brl", false)]
    public void Currency_support_follows_the_account_country(string country, string currency, bool supported)
    {
        Assert.Equal(supported, StripeTerminalKit.Validation.TerminalCountries.SupportsCurrency(country, currency));
    }

    [Fact]
    public async Task Japanese_yen_is_not_accepted_for_an_australian_account_even_above_the_minimum()
    {
        await using var kit = TestKit.OnEmulator("AU");

        var error = await TestKit.ThrowsAsync<TerminalValidationException>(() => kit.Payments.CreateAsync(new CreatePaymentRequest(5000) { Currency = "jpy" }));

        Assert.Contains("supported: aud", error.Message, StringComparison.Ordinal);
    }
}
