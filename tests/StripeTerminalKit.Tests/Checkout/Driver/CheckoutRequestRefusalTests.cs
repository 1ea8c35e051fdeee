using StripeTerminalKit.Checkout;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// Requests the checkout once accepted and let fail later (or never noticed): each is now refused
/// at <see cref="ITerminalCheckout.StartAsync"/> with a typed error naming the field, before any
/// request reaches Stripe.
/// </summary>
public sealed class CheckoutRequestRefusalTests
{
    public static TheoryData<string, string> Refused => new()
    {
        // The reader would have shown a cart total other than the amount charged.
        { "cart lines do not add up to the amount", "CartLines" },
        { "cart tax makes the total differ", "CartLines" },
        { "cart total overflows a long", "CartLines" },
        // These reached Stripe (a 404, a 400) or failed the checkout after its handle was given out.
        { "reader id without tmr_", "ReaderId" },
        { "reader id with a slash", "ReaderId" },
        { "currency not supported in AU", "Currency" },
        { "currency not ISO 4217", "Currency" },
        { "amount below the aud minimum", "Amount" },
        // The library records the checkout id under stk_checkout_id; a caller's value would be overwritten.
        { "metadata key the library reserves", "Metadata" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_bad_request_is_refused_with_a_typed_error_before_any_call(string defect, string field)
    {
        await using var h = await CheckoutHarness.StartAsync();
        var before = h.Emulator.RequestLog.Count;
        var request = defect switch
        {
            "cart lines do not add up to the amount" => h.Sale("bad", 3000) with { CartLines = [new CheckoutCartLine("Long black", 1500, 1)] },
            "cart tax makes the total differ" => h.Sale("bad", 3000) with { CartLines = [new CheckoutCartLine("Long black", 1500, 2)], CartTax = 300 },
            "cart total overflows a long" => h.Sale("bad", 3000) with
            {
                CartLines = [.. Enumerable.Repeat(new CheckoutCartLine("Gold bar", CheckoutRequest.MaxAmount, int.MaxValue), 100)],
            },
            "reader id without tmr_" => h.Sale("bad") with { ReaderId = "reader-1" },
            "reader id with a slash" => h.Sale("bad") with { ReaderId = "tmr_1/../../v1/refunds" },
            "currency not supported in AU" => h.Sale("bad") with { Currency = "usd" },
            "currency not ISO 4217" => h.Sale("bad") with { Currency = "xyz" },
            "amount below the aud minimum" => h.Sale("bad", 49),
            "metadata key the library reserves" => h.Sale("bad") with { Metadata = new Dictionary<string, string> { ["stk_checkout_id"] = "other" } },
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        var error = await Assert.ThrowsAsync<TerminalValidationException>(() => h.Checkout.StartAsync(request));

        Assert.Equal(field, error.Parameter);
        Assert.Equal(before, h.Emulator.RequestLog.Count);
        Assert.Null(await h.Checkout.GetAsync("bad"));
    }

    [Fact]
    public async Task A_cart_that_adds_up_is_accepted()
    {
        await using var h = await CheckoutHarness.StartAsync();

        var handle = await h.Checkout.StartAsync(h.Sale("good", 3300) with { CartLines = [new CheckoutCartLine("Long black", 1500, 2)], CartTax = 300 });

        Assert.Equal("good", handle.CheckoutId);
    }
}
