using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Payments;

namespace StripeTerminalKit.Tests.Checkout.Driver;

public sealed class CheckoutReconcilerTests
{
    private static async Task<(CheckoutHarness Harness, CheckoutHandle Handle)> AuthorisedAsync(string id, long amount)
    {
        var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        var handle = await h.Checkout.StartAsync(h.Sale(id, amount) with { CaptureMode = CheckoutCaptureMode.Manual });
        await h.CompleteAsync(handle);
        Assert.Equal(CheckoutState.Authorized, handle.State);
        return (h, handle);
    }

    private static CheckoutReconciler Reconciler(CheckoutHarness h, AuthorizationSettlement policy) =>
        Reconciler(h, new CheckoutReconcilerOptions { UncapturedAuthorizations = policy });

    private static CheckoutReconciler Reconciler(CheckoutHarness h, CheckoutReconcilerOptions options, TimeSpan? retention = null, string? instanceId = null) =>
        new(
            h.Checkout,
            h.Store,
            h.Services.GetRequiredKeyedService<StripeCallExecutor>(Microsoft.Extensions.Options.Options.DefaultName),
            h.Services.GetRequiredService<ITerminalPayments>(),
            h.Time,
            options,
            retention ?? new StripeTerminalCheckoutOptions().CompletedRetention,
            NullLogger.Instance,
            instanceId);

    [Fact]
    public async Task One_reconciler_runs_at_a_time_across_instances_and_another_leads_once_the_leader_is_gone()
    {
        var (h, _) = await AuthorisedAsync("order-led", 2200);
        await using var _h = h;
        var options = new CheckoutReconcilerOptions { UncapturedAuthorizations = AuthorizationSettlement.Capture, Interval = TimeSpan.FromMinutes(5) };
        h.Time.Advance(TimeSpan.FromHours(37));

        var pass = Reconciler(h, options, instanceId: "web-1").ReconcileAsync();
        await h.RunUntilAsync(() => h.Emulator.GetLedger().Charges.Single().Captured);
        var led = await pass.WaitAsync(TimeSpan.FromSeconds(30));
        var follower = await Reconciler(h, options, instanceId: "web-2").ReconcileAsync().WaitAsync(TimeSpan.FromSeconds(30));
        h.Time.Advance(TimeSpan.FromMinutes(9));
        var stillFollowing = await Reconciler(h, options, instanceId: "web-2").ReconcileAsync().WaitAsync(TimeSpan.FromSeconds(30));
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var successor = await Reconciler(h, options, instanceId: "web-2").ReconcileAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((false, 1), (led.NotLeader, led.Captured));
        Assert.True(follower.NotLeader);
        Assert.True(stillFollowing.NotLeader);
        Assert.False(successor.NotLeader);
        Assert.Equal(1, h.Emulator.RequestLog.Count(r => r.Path.EndsWith("/capture", StringComparison.Ordinal) && r.StatusCode == 200 && !r.Replayed));
    }

    [Fact]
    public async Task An_authorisation_near_expiry_is_captured_by_the_reconciler()
    {
        var (h, _) = await AuthorisedAsync("order-forgotten", 2200);
        await using var _h = h;
        h.Time.Advance(TimeSpan.FromHours(37));

        var pass = Reconciler(h, AuthorizationSettlement.Capture).ReconcileAsync();
        await h.RunUntilAsync(() => h.Emulator.GetLedger().Charges.Single().Captured);
        var report = await pass.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, report.Captured);
        var charge = Assert.Single(h.Emulator.GetLedger().Charges);
        Assert.True(charge.Captured);
        Assert.Equal(2200, charge.AmountCaptured);
    }

    [Fact]
    public async Task An_automatic_delayed_authorisation_is_left_for_Stripe_to_capture_whatever_the_policy()
    {
        // Stripe captures it when its delay ends: the void policy would have undone the sale at 36 h.
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("order-delayed", 3100) with { CaptureMode = CheckoutCaptureMode.AutomaticDelayed, CaptureDelayDays = 3 }));
        h.Time.Advance(TimeSpan.FromHours(37));

        var report = await Reconciler(h, AuthorizationSettlement.Void).ReconcileAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((0, 0), (report.Voided, report.Captured));
        Assert.Equal("requires_capture", Assert.Single(h.Emulator.GetLedger().PaymentIntents).Status);
    }

    [Fact]
    public async Task With_the_void_policy_an_ageing_authorisation_is_released()
    {
        var (h, _) = await AuthorisedAsync("order-release", 1800);
        await using var _h = h;
        h.Time.Advance(TimeSpan.FromHours(40));

        var pass = Reconciler(h, AuthorizationSettlement.Void).ReconcileAsync();
        await h.RunUntilAsync(() => h.Emulator.GetLedger().Charges.Single().Voided);

        Assert.Equal(1, (await pass.WaitAsync(TimeSpan.FromSeconds(30))).Voided);
        Assert.True(Assert.Single(h.Emulator.GetLedger().Charges).Voided);
        Assert.Equal("canceled", Assert.Single(h.Emulator.GetLedger().PaymentIntents).Status);
    }

    [Fact]
    public async Task A_young_authorisation_is_left_for_the_merchant()
    {
        var (h, _) = await AuthorisedAsync("order-young", 1200);
        await using var _h = h;
        h.Time.Advance(TimeSpan.FromHours(1));

        var report = await Reconciler(h, AuthorizationSettlement.Capture).ReconcileAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new ReconciliationReport(0, 0, 0, 0, 0), report);
        Assert.Equal("requires_capture", Assert.Single(h.Emulator.GetLedger().PaymentIntents).Status);
    }

    /// <summary>A 4000 sale captured, then a 2500 refund sent, and the process dies once Stripe made it, before its answer was saved.</summary>
    private static async Task RefundUntilTheCrashAsync(CheckoutHarness before, CrashPointStore store, string checkoutId)
    {
        before.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        Assert.IsType<CheckoutSucceeded>(await before.CompleteAsync(await before.Checkout.StartAsync(before.Sale(checkoutId, 4000))));
        _ = before.Checkout.RefundAsync(checkoutId, 2500);
        await before.RunUntilAsync(() => store.Crashed);
    }

    [Fact]
    public async Task After_a_crash_mid_refund_the_reconciler_finishes_the_refund_with_no_request_from_the_POS()
    {
        // Simulation seed 17298: a refund sent just before a crash left the checkout Succeeded for
        // good (Stripe: refunded), because a completed checkout was never listed as unfinished,
        // whatever was in flight on it. The process dies once Stripe applied the refund, before
        // its answer was saved.
        var store = new CrashPointStore(r => r.State == CheckoutState.PartiallyRefunded);
        await using var before = await CheckoutHarness.StartAsync(store: store);
        await RefundUntilTheCrashAsync(before, store, "order-mid-refund");

        await using var after = await before.CrashAndRestartAsync();
        var report = await Reconciler(after, AuthorizationSettlement.Capture).ReconcileAsync();
        await after.SettleAsync();

        Assert.Equal(1, report.Resumed);
        Assert.Equal(2500, Assert.Single(after.Emulator.GetLedger().Refunds).Amount);
        var stored = await store.LoadAsync("order-mid-refund");
        Assert.Equal((CheckoutState.PartiallyRefunded, true), (stored!.State, stored.Completed));
    }

    [Fact]
    public async Task A_refund_in_flight_at_a_crash_is_finished_however_late_the_process_comes_back()
    {
        // Simulation seed 10935: the backend came back four minutes after a crash that cut off a
        // refund Stripe had made. The operation's two-minute grace (for a POS caller waiting on it)
        // had run out, so the resumed machine gave the refund up as unknown without asking Stripe:
        // the checkout stayed Succeeded while Stripe held it refunded.
        var store = new CrashPointStore(r => r.State == CheckoutState.PartiallyRefunded);
        await using var before = await CheckoutHarness.StartAsync(store: store);
        await RefundUntilTheCrashAsync(before, store, "order-late-restart");

        await using var after = await before.CrashAndRestartAsync();
        after.Time.Advance(TimeSpan.FromMinutes(4));
        var pass = Reconciler(after, AuthorizationSettlement.Capture).ReconcileAsync();
        await after.RunUntilAsync(() => pass.IsCompleted);
        await after.SettleAsync();

        Assert.Equal(2500, Assert.Single(after.Emulator.GetLedger().Refunds).Amount);
        var stored = await store.LoadAsync("order-late-restart");
        Assert.Equal((CheckoutState.PartiallyRefunded, true), (stored!.State, stored.Completed));
    }

    [Fact]
    public async Task After_a_crash_the_reconciler_resumes_the_interrupted_checkout_to_its_end()
    {
        await using var before = await CheckoutHarness.StartAsync();
        var handle = await before.Checkout.StartAsync(before.Sale("order-interrupted", 900));
        await before.RunUntilAsync(() => handle.State == CheckoutState.WaitingForCustomer);

        await using var after = await before.CrashAndRestartAsync();
        var report = await Reconciler(after, AuthorizationSettlement.Capture).ReconcileAsync();
        var resumed = await after.Checkout.FindAsync("order-interrupted");
        await after.SettleAsync();
        Assert.True(after.Emulator.Customer.Tap(after.ReaderId, TestCards.Visa), "the reader still waits for the card it asked for before the crash");
        var result = await after.CompleteAsync(resumed!);

        Assert.Equal(1, report.Resumed);
        Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal(900, Assert.Single(after.Emulator.GetLedger().Charges).AmountCaptured);
    }

    [Fact]
    public async Task A_payment_intent_whose_checkout_the_store_lost_is_canceled_before_its_customer_can_tap()
    {
        // Simulation seed 38536: the store lost a checkout whose reader still waited for the card.
        // The sweep read that creation window while the PaymentIntent had no payment yet, passed it
        // over, never read the window again, and the customer's later tap left money held for good.
        await using var before = await CheckoutHarness.StartAsync();
        var handle = await before.Checkout.StartAsync(before.Sale("order-forgotten", 1500));
        await before.RunUntilAsync(() => handle.State == CheckoutState.WaitingForCustomer);

        await using var after = await before.CrashAndRestartAsync(new InMemoryCheckoutStore());
        after.Time.Advance(TimeSpan.FromMinutes(6));
        var pass = Reconciler(after, AuthorizationSettlement.Capture).ReconcileAsync();
        await after.RunUntilAsync(() => pass.IsCompleted);
        var report = await pass;
        after.Emulator.Customer.Tap(after.ReaderId, TestCards.Visa);
        await after.SettleAsync();

        Assert.Equal(1, report.OrphansVoided);
        var pi = Assert.Single(after.Emulator.GetLedger().PaymentIntents);
        Assert.Equal("canceled", pi.Status);
        Assert.DoesNotContain(after.Emulator.GetLedger().Charges, c => c.AmountCaptured > 0 || (c.Status == "succeeded" && !c.Voided));
    }

    [Fact]
    public async Task An_authorisation_whose_checkout_the_store_lost_is_voided_as_an_orphan()
    {
        var (h, _) = await AuthorisedAsync("order-orphan", 1500);
        await using var _h = h;

        // The store loses everything (a disk that was never flushed); the authorisation remains at Stripe.
        await using var after = await h.CrashAndRestartAsync(new InMemoryCheckoutStore());
        after.Time.Advance(TimeSpan.FromMinutes(6));
        var pass = Reconciler(after, AuthorizationSettlement.Capture).ReconcileAsync();
        await after.RunUntilAsync(() => pass.IsCompleted);
        var report = await pass;

        Assert.Equal(new ReconciliationReport(0, 0, 0, 1, 0), report);
        var pi = Assert.Single(after.Emulator.GetLedger().PaymentIntents);
        Assert.Equal(("canceled", "abandoned"), (pi.Status, pi.CancellationReason));
        Assert.True(Assert.Single(after.Emulator.GetLedger().Charges).Voided);
    }

    [Fact]
    public async Task An_orphan_void_that_Stripe_refused_is_sent_again_under_a_new_key_by_the_next_pass()
    {
        // Simulation seed 8301: the first void met the PaymentIntent mid-authorisation (400
        // payment_intent_unexpected_state); Stripe stores that answer under the key, so a void resent
        // under the same key failed on every later pass and the authorisation stayed held.
        await using var before = await CheckoutHarness.StartAsync(emulatorOptions: new StripeEmulatorOptions { AuthorizationDelay = TimeSpan.FromMinutes(2) });
        var handle = await before.Checkout.StartAsync(before.Sale("order-orphan-refused", 1500));
        await before.RunUntilAsync(() => handle.State == CheckoutState.WaitingForCustomer);
        before.Emulator.Customer.Tap(before.ReaderId, TestCards.Visa);
        await before.SettleAsync();
        await using var after = await before.CrashAndRestartAsync(new InMemoryCheckoutStore());
        var reconciler = Reconciler(after, new CheckoutReconcilerOptions { OrphanGracePeriod = TimeSpan.FromSeconds(1) });
        after.Time.Advance(TimeSpan.FromSeconds(5));

        var first = reconciler.ReconcileAsync();
        await after.RunUntilAsync(() => first.IsCompleted, step: TimeSpan.FromMilliseconds(100), max: TimeSpan.FromSeconds(30));
        after.Time.Advance(TimeSpan.FromMinutes(3));
        await after.SettleAsync();
        var second = reconciler.ReconcileAsync();
        await after.RunUntilAsync(() => second.IsCompleted);

        // Mid-authorisation is not a failure: the pass says it waits, and the next one voids it.
        Assert.Equal((0, 1, 0), ((await first).OrphansVoided, (await first).Deferred, (await first).Failed));
        Assert.Equal((1, 0, 0), ((await second).OrphansVoided, (await second).Deferred, (await second).Failed));
        Assert.Equal("canceled", Assert.Single(after.Emulator.GetLedger().PaymentIntents).Status);
    }

    [Fact]
    public async Task An_orphan_whose_void_Stripe_keeps_refusing_counts_as_failed_at_the_fourth_pass()
    {
        // A deferral is for an authorisation that ends in seconds; one that never ends is reported.
        await using var before = await CheckoutHarness.StartAsync(emulatorOptions: new StripeEmulatorOptions { AuthorizationDelay = TimeSpan.FromHours(2) });
        var handle = await before.Checkout.StartAsync(before.Sale("order-orphan-stuck", 1500));
        await before.RunUntilAsync(() => handle.State == CheckoutState.WaitingForCustomer);
        before.Emulator.Customer.Tap(before.ReaderId, TestCards.Visa);
        await before.SettleAsync();
        await using var after = await before.CrashAndRestartAsync(new InMemoryCheckoutStore());
        var reconciler = Reconciler(after, new CheckoutReconcilerOptions { OrphanGracePeriod = TimeSpan.FromSeconds(1) });

        var passes = new List<ReconciliationReport>();
        for (var i = 0; i < 4; i++)
        {
            after.Time.Advance(TimeSpan.FromSeconds(5));
            var pass = reconciler.ReconcileAsync();
            await after.RunUntilAsync(() => pass.IsCompleted, step: TimeSpan.FromMilliseconds(100), max: TimeSpan.FromSeconds(30));
            passes.Add(await pass);
        }

        Assert.Equal([(1, 0), (1, 0), (1, 0), (0, 1)], passes.Select(p => (p.Deferred, p.Failed)));
        Assert.Equal(4, after.Emulator.RequestLog.Count(r => r.Operation == EmulatorOperations.PaymentIntentsCancel && r.StatusCode == 400));
    }

    [Fact]
    public async Task An_orphan_younger_than_the_grace_period_is_left_and_voided_by_a_later_pass()
    {
        var (h, _) = await AuthorisedAsync("order-orphan-young", 1500);
        await using var _h = h;
        await using var after = await h.CrashAndRestartAsync(new InMemoryCheckoutStore());
        var reconciler = Reconciler(after, new CheckoutReconcilerOptions { OrphanGracePeriod = TimeSpan.FromMinutes(5) });

        var first = reconciler.ReconcileAsync();
        await after.RunUntilAsync(() => first.IsCompleted);
        Assert.Equal(0, (await first).OrphansVoided);
        Assert.Equal("requires_capture", Assert.Single(after.Emulator.GetLedger().PaymentIntents).Status);

        after.Time.Advance(TimeSpan.FromMinutes(5));
        var second = reconciler.ReconcileAsync();
        await after.RunUntilAsync(() => second.IsCompleted);
        Assert.Equal(1, (await second).OrphansVoided);
        Assert.Equal("canceled", Assert.Single(after.Emulator.GetLedger().PaymentIntents).Status);
    }

    [Fact]
    public async Task An_authorisation_the_store_knows_is_never_taken_for_an_orphan()
    {
        var (h, _) = await AuthorisedAsync("order-held", 1500);
        await using var _h = h;
        h.Time.Advance(TimeSpan.FromHours(1));

        var pass = Reconciler(h, AuthorizationSettlement.Capture).ReconcileAsync();
        await h.RunUntilAsync(() => pass.IsCompleted);

        Assert.Equal(0, (await pass).OrphansVoided);
        Assert.Equal("requires_capture", Assert.Single(h.Emulator.GetLedger().PaymentIntents).Status);
    }

    [Fact]
    public async Task With_orphan_voiding_off_an_orphan_is_left_alone()
    {
        var (h, _) = await AuthorisedAsync("order-orphan-kept", 1500);
        await using var _h = h;
        await using var after = await h.CrashAndRestartAsync(new InMemoryCheckoutStore());
        after.Time.Advance(TimeSpan.FromHours(1));

        var pass = Reconciler(after, new CheckoutReconcilerOptions { VoidOrphanAuthorizations = false }).ReconcileAsync();
        await after.RunUntilAsync(() => pass.IsCompleted);

        Assert.Equal(0, (await pass).OrphansVoided);
        Assert.Equal("requires_capture", Assert.Single(after.Emulator.GetLedger().PaymentIntents).Status);
        Assert.DoesNotContain(after.Emulator.RequestLog, r => r.Operation == EmulatorOperations.PaymentIntentsList);
    }

    [Fact]
    public void The_reconciler_and_its_background_service_are_registered_by_one_call()
    {
        var services = new ServiceCollection();
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator().AddCheckout().AddCheckoutReconciler(o => o.UncapturedAuthorizations = AuthorizationSettlement.Void);
        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<ICheckoutReconciler>());
        Assert.Contains(provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s.GetType().Name == "CheckoutReconcilerService");
    }
}
