using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// Issue 13 item 11: "In-person refunds are only available on Interac" and Interac payments are
/// refunded in person only (docs: terminal/features/refunds). A checkout's refund of an Interac
/// payment goes to its reader (<c>refund_payment</c>, the customer presents the card again);
/// every other refund goes online (<c>POST /v1/refunds</c>).
/// </summary>
public sealed class InteracRefundTests
{
    [Theory]
    [InlineData(600L)]
    [InlineData(null)]
    public async Task An_Interac_checkout_is_refunded_on_its_reader_with_the_card_presented_again(long? amount)
    {
        await using var h = await CheckoutHarness.StartAsync(kit: o => o.Country = "CA");
        var (readerId, paid) = await PayWithInteracAsync(h, "interac-refund");

        var refund = h.Checkout.RefundAsync("interac-refund", amount);
        await h.RunUntilAsync(() => refund.IsCompleted);

        var answer = await refund;
        Assert.True(answer.Status == CheckoutOperationStatus.Succeeded, answer.ToString());
        Assert.Equal(amount ?? paid.AmountCaptured, answer.Amount);
        var stored = Assert.Single(h.Emulator.GetLedger().Refunds);
        Assert.Equal((answer.RefundId, amount ?? paid.AmountCaptured, true), (stored.Id, stored.Amount, stored.InPerson));
        Assert.DoesNotContain(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.RefundsCreate);
        Assert.Contains(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.RefundPayment && r.Path.Contains(readerId, StringComparison.Ordinal));
        var snapshot = await h.Checkout.GetAsync("interac-refund");
        Assert.Equal(amount is null ? CheckoutState.Refunded : CheckoutState.PartiallyRefunded, snapshot!.State);
    }

    [Fact]
    public async Task An_in_person_refund_nobody_presents_a_card_for_is_called_off_and_reported_failed()
    {
        await using var h = await CheckoutHarness.StartAsync(kit: o => o.Country = "CA");
        var (readerId, _) = await PayWithInteracAsync(h, "interac-walkaway");
        h.Emulator.Customer.Automate(CustomerAction.WalkAway);

        var refund = h.Checkout.RefundAsync("interac-walkaway", 300);
        // Large steps: the refund waits on the reader for 90 s of the fake clock.
        await h.RunUntilAsync(() => refund.IsCompleted, step: TimeSpan.FromSeconds(10));

        var answer = await refund;
        Assert.Equal(CheckoutOperationStatus.Failed, answer.Status);
        Assert.Empty(h.Emulator.GetLedger().Refunds);
        Assert.Contains(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.CancelAction && r.Path.Contains(readerId, StringComparison.Ordinal));
        Assert.Equal(CheckoutState.Succeeded, (await h.Checkout.GetAsync("interac-walkaway"))!.State);
    }

    [Fact]
    public async Task An_in_person_refund_waits_for_the_card_in_the_checkouts_batch_rounds_not_by_reading_its_reader_alone()
    {
        // One read path (issue 15): the refund's wait is served by the rounds that list every
        // waiting reader of the shop in one request, as a waiting payment's is.
        await using var h = await CheckoutHarness.StartAsync(kit: o => o.Country = "CA");
        var (readerId, _) = await PayWithInteracAsync(h, "interac-batched");
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Interac, TimeSpan.FromSeconds(8)));
        var before = h.Emulator.RequestLog.Count;

        var refund = h.Checkout.RefundAsync("interac-batched", 400);
        await h.RunUntilAsync(() => refund.IsCompleted);

        Assert.Equal(CheckoutOperationStatus.Succeeded, (await refund).Status);
        var during = h.Emulator.RequestLog.Skip(before).ToList();
        Assert.DoesNotContain(during, r => r.Operation == EmulatorOperations.ReadersGet);
        Assert.InRange(during.Count(r => r.Operation == EmulatorOperations.ReadersList), 4, 12);
        Assert.True(Assert.Single(h.Emulator.GetLedger().Refunds).InPerson);
    }

    [Fact]
    public async Task A_Visa_checkout_in_Canada_is_refunded_online()
    {
        await using var h = await CheckoutHarness.StartAsync(kit: o => o.Country = "CA");
        var readerId = await CheckoutReceiptTests.CanadianReaderAsync(h);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(1)));
        await h.CompleteAsync(await h.Checkout.StartAsync(new CheckoutRequest { CheckoutId = "ca-visa", Amount = 2000, Currency = "cad", ReaderId = readerId }));

        var refund = h.Checkout.RefundAsync("ca-visa", 500);
        await h.RunUntilAsync(() => refund.IsCompleted);

        Assert.Equal(CheckoutOperationStatus.Succeeded, (await refund).Status);
        Assert.False(Assert.Single(h.Emulator.GetLedger().Refunds).InPerson);
        Assert.DoesNotContain(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.RefundPayment);
    }

    private static async Task<(string ReaderId, CheckoutSucceeded Paid)> PayWithInteracAsync(CheckoutHarness h, string checkoutId)
    {
        var readerId = await CheckoutReceiptTests.CanadianReaderAsync(h);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Interac, TimeSpan.FromSeconds(1)));
        var paid = Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(new CheckoutRequest
        {
            CheckoutId = checkoutId,
            Amount = 2000,
            Currency = "cad",
            ReaderId = readerId,
        })));
        Assert.Equal("interac", paid.Network);
        return (readerId, paid);
    }
}
