using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Tests.Checkout;

public sealed class CheckoutRequestTests
{
    private static CheckoutRequest Valid() => new()
    {
        CheckoutId = "order-1001",
        Amount = 1250,
        Currency = "aud",
        ReaderId = "tmr_123",
    };

    [Fact]
    public void A_complete_request_is_valid_and_has_sensible_defaults()
    {
        var request = Valid();

        request.Validate();

        Assert.Equal(CheckoutCaptureMode.CountryDefault, request.CaptureMode);
        Assert.Equal(CheckoutFlow.ProcessInOneStep, request.Flow);
        Assert.True(request.AllowCustomerCancellation);
        Assert.True(request.WaitForRetryAfterDecline);
        Assert.Equal(TimeSpan.FromMinutes(5), request.Timeout);
    }

    public static TheoryData<string, Func<CheckoutRequest, CheckoutRequest>> BadRequests => new()
    {
        { "CheckoutId", r => r with { CheckoutId = "" } },
        { "CheckoutId", r => r with { CheckoutId = new string('x', 201) } },
        { "CheckoutId", r => r with { CheckoutId = "a\nb" } },
        { "Amount", r => r with { Amount = 0 } },
        { "Amount", r => r with { Amount = -5 } },
        { "Amount", r => r with { Amount = 100_000_000 } },
        { "Currency", r => r with { Currency = "AUD" } },
        { "Currency", r => r with { Currency = "au" } },
        { "Currency", r => r with { Currency = "a1d" } },
        { "ReaderId", r => r with { ReaderId = " " } },
        { "CaptureMode", r => r with { CaptureMode = (CheckoutCaptureMode)42 } },
        { "Flow", r => r with { Flow = (CheckoutFlow)42 } },
        { "Timeout", r => r with { Timeout = TimeSpan.Zero } },
        { "Timeout", r => r with { Timeout = TimeSpan.FromHours(2) } },
        { "TipEligibleAmount", r => r with { TipEligibleAmount = -1 } },
        { "TipEligibleAmount", r => r with { TipEligibleAmount = 2000 } },
        { "TipEligibleAmount", r => r with { SkipTipping = true, TipEligibleAmount = 100 } },
        { "CartLines", r => r with { CartLines = [] } },
        { "CartLines", r => r with { CartLines = [new CheckoutCartLine("", 100, 1)] } },
        { "CartLines", r => r with { CartLines = [new CheckoutCartLine("Tea", 100, 0)] } },
        { "CartTax", r => r with { CartTax = 10 } },
        { "CartTax", r => r with { CartLines = [new CheckoutCartLine("Tea", 100, 1)], CartTax = -1 } },
        { "Metadata", r => r with { Metadata = Enumerable.Range(0, 50).ToDictionary(i => $"k{i}", i => "v") } },
        { "Metadata", r => r with { Metadata = new Dictionary<string, string> { [new string('k', 41)] = "v" } } },
        { "Metadata", r => r with { Metadata = new Dictionary<string, string> { ["k[0]"] = "v" } } },
        { "Metadata", r => r with { Metadata = new Dictionary<string, string> { ["k"] = new string('v', 501) } } },
        { "Description", r => r with { Description = new string('d', 1001) } },
        { "ReceiptEmail", r => r with { ReceiptEmail = "not-an-email" } },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void A_bad_field_is_refused_with_its_name(string field, Func<CheckoutRequest, CheckoutRequest> spoil)
    {
        var request = spoil(Valid());

        var error = Assert.Throws<ArgumentException>(request.Validate);

        Assert.Equal(field, error.ParamName);
    }

    [Fact]
    public void The_longest_checkout_id_keeps_every_idempotency_key_under_stripes_limit()
    {
        var id = new string('x', CheckoutRequest.MaxCheckoutIdLength);

        var key = new StepKey(id, IdempotencyStep.CancelAction, int.MaxValue).ToString();

        Assert.True(key.Length <= 255, $"{key.Length} characters");
    }

    [Fact]
    public void Idempotency_keys_name_the_checkout_the_step_and_the_sequence()
    {
        Assert.Equal("stk:order-9:refund:3", new StepKey("order-9", IdempotencyStep.Refund, 3).ToString());
        Assert.Equal("stk:order-9:cancel_action:1", new StepKey("order-9", IdempotencyStep.CancelAction, 1).ToString());
        Assert.True(default(StepKey).IsEmpty);
        Assert.Equal(string.Empty, default(StepKey).ToString());
    }

    [Fact]
    public void Completed_states_are_the_ones_with_a_final_result()
    {
        Assert.False(CheckoutState.AwaitingRetry.IsCompleted());
        Assert.False(CheckoutState.Canceling.IsCompleted());
        Assert.True(CheckoutState.Authorized.IsCompleted());
        Assert.True(CheckoutState.NeedsAttention.IsCompleted());
    }
}
