using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Simulation.Tests.Simulation;

/// <summary>
/// The promises checked against the emulator's ledger once a seed has run, its faults have
/// stopped and the reconciler has passed: nothing charged twice, nothing lost, nothing held,
/// and everything the kit said was true.
/// </summary>
internal static class Invariants
{
    private const string MetadataKey = "stk_checkout_id";

    public static void Check(SimWorld world)
    {
        var report = world.Report;
        var ledger = world.Emulator.GetLedger();
        var byId = world.Checkouts.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var intentsByCheckout = new Dictionary<string, List<PaymentIntentRecord>>(StringComparer.Ordinal);
        var chargesByIntent = ledger.Charges.GroupBy(c => c.PaymentIntentId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var refundsByCharge = ledger.Refunds.GroupBy(r => r.ChargeId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        void Check(bool ok, string violation)
        {
            report.InvariantChecks++;
            if (!ok)
            {
                report.Violations.Add(violation);
            }
        }

        List<ChargeRecord> ChargesOf(string intentId) => chargesByIntent.GetValueOrDefault(intentId) ?? [];

        long RefundedOf(ChargeRecord charge) =>
            (refundsByCharge.GetValueOrDefault(charge.Id) ?? []).Where(r => r.Status is "succeeded" or "pending").Sum(r => r.Amount);

        // Every PaymentIntent belongs to a checkout the POS started.
        foreach (var pi in ledger.PaymentIntents)
        {
            var owner = pi.Metadata.GetValueOrDefault(MetadataKey);
            Check(owner is not null && byId.ContainsKey(owner), $"{pi.Id} names no checkout the POS started ({owner ?? "no metadata"})");
            if (owner is not null)
            {
                if (!intentsByCheckout.TryGetValue(owner, out var list))
                {
                    intentsByCheckout[owner] = list = [];
                }

                list.Add(pi);
            }

            // No authorisation left uncaptured and unvoided.
            Check(pi.Status != "requires_capture", $"{pi.Id} ({owner}) is still authorised and neither captured nor voided");
            foreach (var charge in ChargesOf(pi.Id))
            {
                Check(!(charge.Status == "succeeded" && !charge.Captured && !charge.Voided && pi.Status != "requires_capture"),
                    $"charge {charge.Id} of {pi.Id} ({owner}) holds an authorisation nobody captured or voided");

                // Refunds never exceed what was captured.
                var refunded = RefundedOf(charge);
                Check(refunded <= charge.AmountCaptured && (charge.Voided || charge.AmountRefunded <= charge.AmountCaptured),
                    $"charge {charge.Id} ({owner}) refunded {refunded} of {charge.AmountCaptured} captured");

                // A cancelled PaymentIntent was never captured.
                if (pi.Status == "canceled")
                {
                    Check(!charge.Captured, $"{pi.Id} ({owner}) was cancelled ({pi.CancellationReason}) yet its charge {charge.Id} is captured");
                }
            }
        }

        foreach (var c in world.Checkouts)
        {
            var intents = intentsByCheckout.GetValueOrDefault(c.Id) ?? [];
            var authorised = intents.Where(pi => ChargesOf(pi.Id).Any(ch => ch.Status == "succeeded")).ToList();
            var kept = intents.SelectMany(pi => ChargesOf(pi.Id)).Where(ch => ch.Captured).Sum(ch => ch.AmountCaptured - RefundedOf(ch));
            var moneyCharges = intents.SelectMany(pi => ChargesOf(pi.Id)).Where(ch => ch.Status == "succeeded" && !ch.Voided).ToList();

            // At most one successful charge per checkout id, on at most one PaymentIntent.
            Check(authorised.Count <= 1, $"{c.Id} was authorised on {authorised.Count} PaymentIntents: {string.Join(", ", authorised.Select(p => p.Id))}");
            Check(moneyCharges.Count <= 1, $"{c.Id} has {moneyCharges.Count} successful charges");

            // Captured = what was authorised, or what the POS asked to capture.
            var asked = c.Operations.Where(o => o.Kind == CheckoutOperation.Capture && o.Amount is not null).Select(o => o.Amount!.Value).ToHashSet();
            foreach (var ch in moneyCharges.Where(ch => ch.Captured))
            {
                Check(ch.AmountCaptured == ch.Amount || asked.Contains(ch.AmountCaptured),
                    $"{c.Id}: charge {ch.Id} captured {ch.AmountCaptured} of {ch.Amount} authorised, and the POS asked for {string.Join("/", asked)}");
            }

            if (!c.Started)
            {
                Check(intents.Count == 0, $"{c.Id} was never started yet has a PaymentIntent");
                continue;
            }

            if (c.Lost)
            {
                // The store lost it: the reconciler must have released any hold (checked above); money
                // already captured in one step stays for a person to judge.
                report.Count("invariants.lost_checkout_with_money_kept", kept > 0 ? 1 : 0);
                continue;
            }

            // Every checkout ends, and says so in the store.
            var record = world.DurableStore.LoadAsync(c.Id).AsTask().GetAwaiter().GetResult();
            Check(c.Result is not null, $"{c.Id} never reported a final result (last state {c.Handle?.State})");
            Check(record?.Completed == true, $"{c.Id} is not completed in the store ({record?.State})");
            if (c.Result is null || record is null)
            {
                continue;
            }

            report.Outcome(record.State);
            Check(c.Results.All(r => r.Outcome == c.Result.Outcome),
                $"{c.Id} was reported as {string.Join(" then ", c.Results.Select(r => r.Outcome))}");

            var pi = c.Result.PaymentIntentId is { } piId ? intents.FirstOrDefault(p => p.Id == piId) : null;
            Check(c.Result.PaymentIntentId is null || pi is not null, $"{c.Id} reported PaymentIntent {c.Result.PaymentIntentId}, which is not its own");
            CheckResult(c, c.Result, pi, pi is null ? [] : ChargesOf(pi.Id), kept, Check);
            CheckFinalState(c, record.State, pi, pi is null ? [] : ChargesOf(pi.Id), kept, RefundedOf, Check);
            CheckOperations(c, ledger, Check);
        }
    }

    /// <summary>What the kit reported when the checkout ended is what Stripe recorded.</summary>
    private static void CheckResult(SimCheckout c, CheckoutResult result, PaymentIntentRecord? pi, List<ChargeRecord> charges, long kept, Action<bool, string> check)
    {
        switch (result)
        {
            case CheckoutSucceeded ok:
                var charge = charges.FirstOrDefault(ch => ch.Id == ok.ChargeId);
                check(pi is not null && charge is not null && charge.Status == "succeeded", $"{c.Id} reported success with charge {ok.ChargeId}, which did not succeed");
                if (pi is null || charge is null)
                {
                    return;
                }

                check(ok.Amount == charge.Amount, $"{c.Id} reported {ok.Amount} authorised; the charge is {charge.Amount}");
                check(ok.Amount == c.Request.Amount + ok.TipAmount, $"{c.Id} reported {ok.Amount} = {c.Request.Amount} + tip {ok.TipAmount}, which does not add up");
                check(ok.TipAmount == (pi.TipAmount ?? 0), $"{c.Id} reported tip {ok.TipAmount}; Stripe has {pi.TipAmount}");
                check(ok.Last4 == charge.Last4 && ok.CardBrand == charge.Brand, $"{c.Id} reported card {ok.CardBrand} {ok.Last4}; Stripe has {charge.Brand} {charge.Last4}");
                if (ok.Captured)
                {
                    check(charge.Captured && charge.AmountCaptured == ok.AmountCaptured, $"{c.Id} reported {ok.AmountCaptured} captured; Stripe captured {charge.AmountCaptured}");
                }
                else
                {
                    check(c.Request.CaptureMode == CheckoutCaptureMode.Manual, $"{c.Id} ended authorised but not captured although capture mode is {c.Request.CaptureMode}");
                }

                break;
            case CheckoutCanceled canceled:
                check(kept == 0, $"{c.Id} reported cancelled but {kept} is kept");
                check(!canceled.Voided || charges.Any(ch => ch.Voided), $"{c.Id} reported a void, but no charge was voided");
                check(canceled.AmountRefunded == 0 || charges.Sum(ch => ch.AmountRefunded) >= canceled.AmountRefunded, $"{c.Id} reported {canceled.AmountRefunded} refunded, which Stripe does not show");
                break;
            case CheckoutDeclined:
                check(kept == 0 && !charges.Any(ch => ch.Status == "succeeded" && !ch.Voided), $"{c.Id} reported declined but money was taken");
                check(charges.Count == 0 || charges.Any(ch => ch.Status == "failed"), $"{c.Id} reported declined but no charge failed");
                break;
            case CheckoutFailed failed:
                check(kept == 0, $"{c.Id} reported failed ({failed.Reason}) but {kept} is kept");
                break;
            case CheckoutNeedsAttention:
                // Explicit: a person looks at it. The ledger checks above still hold for its money.
                break;
        }
    }

    /// <summary>The state the store ends with (after captures, voids and refunds) matches the ledger.</summary>
    private static void CheckFinalState(SimCheckout c, CheckoutState state, PaymentIntentRecord? pi, List<ChargeRecord> charges, long kept, Func<ChargeRecord, long> refundedOf, Action<bool, string> check)
    {
        var charge = pi?.LatestChargeId is { } latest ? charges.FirstOrDefault(ch => ch.Id == latest) : null;
        switch (state)
        {
            case CheckoutState.Succeeded:
                check(pi?.Status == "succeeded" && charge is { Captured: true } && refundedOf(charge) == 0, $"{c.Id} ends Succeeded; Stripe: {pi?.Status}, captured {charge?.AmountCaptured}, refunded {(charge is null ? 0 : refundedOf(charge))}");
                break;
            case CheckoutState.PartiallyRefunded:
                check(pi?.Status == "succeeded" && charge is { Captured: true } && refundedOf(charge) > 0 && refundedOf(charge) < charge.AmountCaptured, $"{c.Id} ends PartiallyRefunded; Stripe: {pi?.Status}, captured {charge?.AmountCaptured}, refunded {(charge is null ? 0 : refundedOf(charge))}");
                break;
            case CheckoutState.Refunded:
                check(pi?.Status == "succeeded" && charge is { Captured: true } && refundedOf(charge) == charge.AmountCaptured, $"{c.Id} ends Refunded; Stripe: {pi?.Status}, captured {charge?.AmountCaptured}, refunded {(charge is null ? 0 : refundedOf(charge))}");
                break;
            case CheckoutState.Voided:
                check(pi?.Status == "canceled" && charge is { Voided: true }, $"{c.Id} ends Voided; Stripe: {pi?.Status}, charge voided {charge?.Voided}");
                break;
            case CheckoutState.Authorized:
                check(false, $"{c.Id} ends Authorized: the POS captured or voided it at the end of the day, and the kit did not follow");
                break;
            case CheckoutState.Declined:
            case CheckoutState.Canceled:
            case CheckoutState.Failed:
                check(kept == 0 && pi?.Status is null or "canceled" or "requires_payment_method" or "succeeded", $"{c.Id} ends {state} with {kept} kept, PaymentIntent {pi?.Status}");
                break;
            case CheckoutState.NeedsAttention:
                break;
            default:
                check(false, $"{c.Id} ends in {state}, which is not final");
                break;
        }
    }

    /// <summary>Every capture, void and refund the kit said succeeded did happen, as it said.</summary>
    private static void CheckOperations(SimCheckout c, EmulatorLedger ledger, Action<bool, string> check)
    {
        foreach (var op in c.Operations.Where(o => !o.LostToCrash && o.Task.IsCompletedSuccessfully))
        {
            var r = op.Task.Result;
            if (r.Status != CheckoutOperationStatus.Succeeded)
            {
                continue;
            }

            switch (r.Operation)
            {
                case CheckoutOperation.Capture:
                    var captured = ledger.Charges.Where(ch => ch.Captured && ledger.PaymentIntents.Any(p => p.Id == ch.PaymentIntentId && p.Metadata.GetValueOrDefault(MetadataKey) == c.Id)).Sum(ch => ch.AmountCaptured);
                    check(captured == r.Amount, $"{c.Id}: capture reported {r.Amount}; Stripe captured {captured}");
                    check(op.Amount is null || op.Amount == r.Amount, $"{c.Id}: asked to capture {op.Amount}, reported {r.Amount}");
                    break;
                case CheckoutOperation.Refund:
                    var refund = ledger.Refunds.FirstOrDefault(x => x.Id == r.RefundId);
                    check(refund is not null && refund.Amount == r.Amount && refund.Status is "succeeded" or "pending", $"{c.Id}: refund {r.RefundId} of {r.Amount} reported; Stripe has {refund?.Amount} {refund?.Status}");
                    check(op.Amount is null || op.Amount == r.Amount, $"{c.Id}: asked to refund {op.Amount}, reported {r.Amount}");
                    break;
                case CheckoutOperation.Void:
                    check(ledger.PaymentIntents.Any(p => p.Metadata.GetValueOrDefault(MetadataKey) == c.Id && p.Status == "canceled"), $"{c.Id}: void reported, but no PaymentIntent of it is cancelled");
                    break;
            }
        }
    }
}
