using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// Issue 13 item 15: Interac refuses manual capture (changelog basil 2025-03-31) and Australia
/// offers <c>automatic_delayed</c> with <c>capture_delay_days</c> (docs: terminal/payments/regional AU).
/// Contradictory requests are refused before any Stripe call.
/// </summary>
public sealed class CheckoutCaptureModeTests
{
    [Fact]
    public async Task AutomaticDelayed_ends_authorised_and_Stripe_captures_it_after_the_delay_without_a_capture_call()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(1)));

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("delayed-1", 4200) with
        {
            CaptureMode = CheckoutCaptureMode.AutomaticDelayed,
            CaptureDelayDays = 2,
        }));

        var paid = Assert.IsType<CheckoutSucceeded>(result);
        Assert.False(paid.Captured);
        Assert.Equal("requires_capture", Assert.Single(h.Emulator.GetLedger().PaymentIntents).Status);
        await h.RunForAsync(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1), step: TimeSpan.FromHours(1));
        var pi = Assert.Single(h.Emulator.GetLedger().PaymentIntents);
        Assert.Equal(("succeeded", 4200L), (pi.Status, pi.AmountReceived));
        Assert.DoesNotContain(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.PaymentIntentsCapture);
    }

    [Fact]
    public async Task AutomaticDelayed_captured_by_Stripe_can_be_refunded_though_the_checkout_never_saw_the_capture()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(1)));
        await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("delayed-refund", 5000) with { CaptureMode = CheckoutCaptureMode.AutomaticDelayed, CaptureDelayDays = 1 }));
        var early = h.Checkout.RefundAsync("delayed-refund", 1000);
        await h.RunUntilAsync(() => early.IsCompleted);
        await h.RunForAsync(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1), step: TimeSpan.FromHours(1));

        var refund = h.Checkout.RefundAsync("delayed-refund", 1000);
        await h.RunUntilAsync(() => refund.IsCompleted);

        // Before Stripe's capture there was nothing to refund; after it, the refund goes through.
        Assert.Equal((CheckoutOperationStatus.Rejected, CheckoutOperationRejection.NotAllowedInState), ((await early).Status, (await early).Rejection));
        Assert.True((await refund).Status == CheckoutOperationStatus.Succeeded, (await refund).ToString());
        Assert.Equal(1000, Assert.Single(h.Emulator.GetLedger().Refunds).Amount);
        Assert.Equal(CheckoutState.PartiallyRefunded, (await h.Checkout.GetAsync("delayed-refund"))!.State);
    }

    [Fact]
    public async Task AutomaticDelayed_may_still_be_captured_early_by_the_caller()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(1)));
        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("delayed-early", 3000) with { CaptureMode = CheckoutCaptureMode.AutomaticDelayed, CaptureDelayDays = 5 }));
        Assert.False(Assert.IsType<CheckoutSucceeded>(result).Captured);

        var capture = h.Checkout.CaptureAsync("delayed-early");
        await h.RunUntilAsync(() => capture.IsCompleted);

        Assert.True((await capture).Status == CheckoutOperationStatus.Succeeded, (await capture).ToString());
        Assert.Equal("succeeded", Assert.Single(h.Emulator.GetLedger().PaymentIntents).Status);
    }

    public static TheoryData<string, CheckoutRequest> Refused => new()
    {
        { "CaptureMode", Sale("r1", "cad", CheckoutCaptureMode.AutomaticDelayed) with { CaptureDelayDays = 3 } },
        { "CaptureDelayDays", Sale("r0", "aud", CheckoutCaptureMode.AutomaticDelayed) },
        { "CaptureDelayDays", Sale("r2", "aud", CheckoutCaptureMode.Manual) with { CaptureDelayDays = 3 } },
        { "CaptureDelayDays", Sale("r3", "aud", CheckoutCaptureMode.AutomaticDelayed) with { CaptureDelayDays = 31 } },
        { "AllowInterac", Sale("r4", "cad", CheckoutCaptureMode.Manual) with { AllowInterac = true } },
        { "AllowInterac", Sale("r5", "aud", CheckoutCaptureMode.CountryDefault) with { AllowInterac = true } },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Contradictory_capture_options_are_refused_before_any_call(string parameter, CheckoutRequest request)
    {
        await using var h = await CheckoutHarness.StartAsync(kit: o => o.Country = request.Currency == "cad" ? "CA" : "AU");
        var before = h.Emulator.RequestLog.Count;

        var error = await Assert.ThrowsAsync<TerminalValidationException>(() => h.Checkout.StartAsync(request with { ReaderId = h.ReaderId }));

        Assert.Equal(parameter, error.Parameter);
        Assert.Equal(before, h.Emulator.RequestLog.Count);
    }

    [Fact]
    public async Task A_Canadian_checkout_by_default_takes_an_Interac_card_captured_in_one_step()
    {
        await using var h = await CheckoutHarness.StartAsync(kit: o => o.Country = "CA");
        var readerId = await CheckoutReceiptTests.CanadianReaderAsync(h);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Interac, TimeSpan.FromSeconds(1)));

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(new CheckoutRequest { CheckoutId = "ca-interac", Amount = 2500, Currency = "cad", ReaderId = readerId }));

        var paid = Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal(("interac", 2500L), (paid.Network, paid.AmountCaptured));
        Assert.DoesNotContain(h.Emulator.RequestLog, r => r.Operation == EmulatorOperations.PaymentIntentsCapture);
        // What Stripe needs to take Interac: interac_present allowed, and not capture_method=manual
        // (changelog basil 2025-03-31). The default used to be plain manual, which left Interac out.
        var pi = await h.Emulator.CreateStripeClient().V1.PaymentIntents.GetAsync(paid.PaymentIntentId);
        Assert.Contains("interac_present", pi.PaymentMethodTypes);
        Assert.NotEqual("manual", pi.CaptureMethod);
    }

    [Fact]
    public async Task A_Canadian_manual_capture_checkout_leaves_Interac_out_and_authorises_a_credit_card()
    {
        await using var h = await CheckoutHarness.StartAsync(kit: o => o.Country = "CA");
        var readerId = await CheckoutReceiptTests.CanadianReaderAsync(h);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(1)));

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(new CheckoutRequest
        {
            CheckoutId = "ca-manual", Amount = 2500, Currency = "cad", ReaderId = readerId, CaptureMode = CheckoutCaptureMode.Manual,
        }));

        Assert.False(Assert.IsType<CheckoutSucceeded>(result).Captured);
        Assert.Equal("manual", Assert.Single(h.Emulator.GetLedger().PaymentIntents).CaptureMethod);
    }

    private static CheckoutRequest Sale(string id, string currency, CheckoutCaptureMode mode) => new()
    {
        CheckoutId = id,
        Amount = 1000,
        Currency = currency,
        ReaderId = "tmr_placeholder",
        CaptureMode = mode,
    };
}
