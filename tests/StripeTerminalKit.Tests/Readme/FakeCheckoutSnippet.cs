#region readme-fake-checkout-usings
using StripeTerminalKit.Checkout;
#endregion

namespace StripeTerminalKit.Tests.Readme;

/// <summary>The README's "fake the checkout in your tests" snippet, compiled and run.</summary>
public sealed class FakeCheckoutSnippet
{
    [Fact]
    public async Task The_README_fake_handle_completes_with_the_result_the_test_gave_it()
    {
        #region readme-fake-checkout
        // Return this handle from your fake ITerminalCheckout's StartAsync, then move it on from the test.
        var handle = CheckoutHandle.ForTesting(new CheckoutUpdate("order-1", CheckoutState.Created, DateTimeOffset.UtcNow, null, null));
        handle.PublishForTesting(new CheckoutUpdate("order-1", CheckoutState.WaitingForCustomer, DateTimeOffset.UtcNow, "pi_1", null));
        handle.PublishForTesting(new CheckoutUpdate("order-1", CheckoutState.Succeeded, DateTimeOffset.UtcNow, "pi_1",
            new CheckoutSucceeded { CheckoutId = "order-1", Currency = "aud", Amount = 1750, AmountCaptured = 1750, CardBrand = "visa", Last4 = "4242" }));
        var result = await handle.WaitForCompletionAsync();   // what the code under test sees
        #endregion

        Assert.Equal(1750, Assert.IsType<CheckoutSucceeded>(result).AmountCaptured);
    }
}
