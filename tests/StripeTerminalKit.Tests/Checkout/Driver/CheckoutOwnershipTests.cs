using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// A checkout belongs to its <see cref="CheckoutRequest.Owner"/>: another owner cannot take it
/// over by starting the same id, and learns nothing about it from the refusal (security issue 12,
/// finding 1: a till took over another till's paid sale and refunded it).
/// </summary>
public sealed class CheckoutOwnershipTests
{
    [Fact]
    public async Task Another_owner_starting_the_same_id_is_refused_and_learns_nothing()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        var handle = await h.Checkout.StartAsync(h.Sale("victim-1", 1750) with { Owner = "till-1" });
        await h.RunUntilAsync(() => handle.HasCompleted);
        var paid = Assert.IsType<CheckoutSucceeded>(handle.Result);
        var requestsBefore = h.Emulator.RequestLog.Count;

        var error = await Assert.ThrowsAsync<TerminalValidationException>(() => h.Checkout.StartAsync(h.Sale("victim-1", 1750) with { Owner = "till-2" }));

        Assert.Equal("checkout_id_unavailable", error.ErrorCode);
        Assert.Equal(nameof(CheckoutRequest.CheckoutId), error.Parameter);
        Assert.DoesNotContain("till-1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1750", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(paid.PaymentIntentId!, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("amount", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(requestsBefore, h.Emulator.RequestLog.Count);

        // A wrong amount from another owner gets the same answer: it cannot probe the sale either.
        var probe = await Assert.ThrowsAsync<TerminalValidationException>(() => h.Checkout.StartAsync(h.Sale("victim-1", 999) with { Owner = "till-2" }));
        Assert.Equal(error.Message, probe.Message);

        // And an unowned request cannot claim an owned checkout.
        await Assert.ThrowsAsync<TerminalValidationException>(() => h.Checkout.StartAsync(h.Sale("victim-1", 1750)));
    }

    [Fact]
    public async Task Two_owners_racing_on_one_new_id_get_one_checkout_and_the_loser_is_refused()
    {
        await using var h = await CheckoutHarness.StartAsync();

        var first = h.Checkout.StartAsync(h.Sale("race-1") with { Owner = "till-1" });
        var second = h.Checkout.StartAsync(h.Sale("race-1") with { Owner = "till-2" });
        var outcomes = await Task.WhenAll(Settle(first), Settle(second));

        Assert.Single(outcomes, o => o is null);
        Assert.IsType<TerminalValidationException>(Assert.Single(outcomes, o => o is not null));
        Assert.Equal("till-1", (await h.Checkout.GetAsync("race-1"))!.Owner);

        static async Task<Exception?> Settle(Task<CheckoutHandle> start)
        {
            try
            {
                await start;
                return null;
            }
            catch (TerminalValidationException exception)
            {
                return exception;
            }
        }
    }

    [Fact]
    public async Task The_owner_is_stored_with_the_checkout_and_in_the_payment_intent_metadata()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));

        var handle = await h.Checkout.StartAsync(h.Sale("owned-1") with { Owner = "till-7" });
        await h.RunUntilAsync(() => handle.HasCompleted);

        Assert.Equal("till-7", (await h.Checkout.GetAsync("owned-1"))!.Owner);
        var intent = Assert.Single(h.Emulator.GetLedger().PaymentIntents);
        Assert.Equal("till-7", intent.Metadata["stk_owner"]);
        Assert.Equal("owned-1", intent.Metadata["stk_checkout_id"]);
    }

    public static TheoryData<string> UnaddressableIds => new()
    {
        "a/b", "../../health", ".", "..", ".hidden", "-x", "<script>alert(1)</script>", "caf\u00e9", "zero\u200bwidth",
        "rtl\u202eoverride", "line\u2028separator", "tab\tid", "sp ace", "per%2Fcent", "q?x=1", "hash#1", "colon:1", new string('a', 201),
    };

    [Theory]
    [MemberData(nameof(UnaddressableIds))]
    public async Task A_checkout_id_outside_the_documented_alphabet_is_refused_before_any_call(string id)
    {
        await using var h = await CheckoutHarness.StartAsync();
        var before = h.Emulator.RequestLog.Count;

        var error = await Assert.ThrowsAsync<TerminalValidationException>(() => h.Checkout.StartAsync(h.Sale(id)));

        Assert.Equal(nameof(CheckoutRequest.CheckoutId), error.Parameter);
        Assert.Equal(before, h.Emulator.RequestLog.Count);
        Assert.False(CheckoutRequest.IsValidId(id));
    }

    [Theory]
    [InlineData("order-1001")]
    [InlineData("A.b_c-9")]
    [InlineData("7")]
    public void Ids_in_the_alphabet_are_valid(string id) => Assert.True(CheckoutRequest.IsValidId(id));

    [Fact]
    public async Task An_owner_outside_the_alphabet_is_refused()
    {
        await using var h = await CheckoutHarness.StartAsync();

        var error = await Assert.ThrowsAsync<TerminalValidationException>(() => h.Checkout.StartAsync(h.Sale("order-x") with { Owner = "till 1" }));

        Assert.Equal(nameof(CheckoutRequest.Owner), error.Parameter);
    }
}
