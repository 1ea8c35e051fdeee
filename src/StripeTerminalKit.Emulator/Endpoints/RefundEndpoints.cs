using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary><c>/v1/refunds</c> and <c>/v1/charges/{id}</c>.</summary>
internal sealed partial class EmulatorEngine
{
    internal object CreateRefund(RequestContext c)
    {
        var p = c.Params;
        var piId = p.String("payment_intent", allowEmpty: false);
        var chargeId = p.String("charge", allowEmpty: false);
        var amount = p.Long("amount", min: 1);
        var reason = p.Enum("reason", false, "duplicate", "fraudulent", "requested_by_customer");
        var metadata = p.MetadataForCreate("metadata");
        p.Bool("refund_application_fee");
        p.Bool("reverse_transfer");
        p.String("instructions_email");
        p.Enum("origin", false, "customer_balance");
        c.ReadExpand("charge", "payment_intent");
        p.EnsureNoUnknown();

        var charge = ResolveRefundable(c, piId, chargeId);
        if (charge.Card.Network == "interac")
        {
            throw ApiErrorException.InvalidRequest("Interac payments must be refunded in person with the reader's refund_payment action.", "payment_intent", "charge_not_refundable");
        }

        var refundable = charge.AmountCaptured - charge.AmountRefunded - PendingInPersonRefunds(charge.Id);
        var refundAmount = amount ?? refundable;
        if (refundable <= 0)
        {
            throw ApiErrorException.State("charge_already_refunded", $"Charge {charge.Id} has already been refunded.");
        }

        if (refundAmount > refundable)
        {
            throw ApiErrorException.InvalidRequest($"Refund amount ({refundAmount}) is greater than unrefunded amount on charge ({refundable})", "amount", "amount_too_large");
        }

        return CreateRefundCore(charge, refundAmount, reason, metadata, inPerson: false, c.Info, c.Account);
    }

    internal object GetRefund(RequestContext c)
    {
        c.ReadExpand("charge", "payment_intent");
        c.Params.EnsureNoUnknown();
        return FindRefund(c, c.Id);
    }

    internal object UpdateRefund(RequestContext c)
    {
        var refund = FindRefund(c, c.Id);
        var metadata = c.Params.Metadata("metadata", out var clearAll);
        c.ReadExpand("charge", "payment_intent");
        c.Params.EnsureNoUnknown();
        var newMetadata = new Dictionary<string, string>(refund.Metadata, StringComparer.Ordinal);
        Params.ApplyMetadata(newMetadata, metadata, clearAll);
        var previous = refund.Metadata;
        refund.Metadata = newMetadata;

        // Stripe raises refund.updated on every update of a refund, with the changed fields' old
        // values in data.previous_attributes (docs: api/events/types, refund.updated). An update
        // that changes nothing raises nothing (the emulator's choice).
        if (!SameMetadata(previous, newMetadata))
        {
            _state.Raise("refund.updated", refund, c.Info, w => w.Map("metadata", previous));
        }

        return refund;
    }

    internal object CancelRefund(RequestContext c)
    {
        var refund = FindRefund(c, c.Id);
        c.ReadExpand("charge", "payment_intent");
        c.Params.EnsureNoUnknown();
        throw ApiErrorException.State("refund_cancel_not_allowed",
            $"Refund {refund.Id} has a status of {refund.Status}; only refunds that require action can be canceled.");
    }

    internal object ListRefunds(RequestContext c)
    {
        var piId = c.Params.String("payment_intent", allowEmpty: false);
        var chargeId = c.Params.String("charge", allowEmpty: false);
        var created = ReadCreatedFilter(c.Params);
        return Page(c, "/v1/refunds", _state.Refunds.Values.Where(r => c.Visible(r)
            && created(r.Created)
            && (piId is null || r.PaymentIntentId == piId)
            && (chargeId is null || r.ChargeId == chargeId)));
    }

    internal object GetCharge(RequestContext c)
    {
        c.ReadExpand("balance_transaction");
        c.Params.EnsureNoUnknown();
        return _state.Charges.TryGetValue(c.Id, out var charge) && c.Visible(charge) ? charge : throw ApiErrorException.NoSuch("charge", c.Id, "charge");
    }

    /// <summary><c>GET /v1/charges</c>, with the <c>payment_intent</c> filter (OpenAPI; corrections table, "Search and lists").</summary>
    internal object ListCharges(RequestContext c)
    {
        var piId = c.Params.String("payment_intent", allowEmpty: false);
        var created = ReadCreatedFilter(c.Params);
        return Page(c, "/v1/charges", _state.Charges.Values.Where(ch => c.Visible(ch) && created(ch.Created) && (piId is null || ch.PaymentIntentId == piId)));
    }

    /// <summary>
    /// <c>GET /v1/balance_transactions/{id}</c>: a captured charge's balance transaction (OpenAPI
    /// <c>balance_transaction</c>). Only charges' ones exist in the emulator.
    /// </summary>
    internal object GetBalanceTransaction(RequestContext c)
    {
        c.ReadExpand();
        c.Params.EnsureNoUnknown();
        foreach (var charge in _state.Charges.Values)
        {
            if (charge.Captured && c.Visible(charge) && charge.BalanceTransactionIdOrDefault == c.Id)
            {
                var transaction = new BalanceTransaction(charge);
                return (Action<System.Text.Json.Utf8JsonWriter>)(w => transaction.Write(w, _state, ExpandSet.None));
            }
        }

        throw ApiErrorException.NoSuch("balance_transaction", c.Id, "id");
    }

    private Refund FindRefund(RequestContext c, string id) =>
        _state.Refunds.TryGetValue(id, out var refund) && c.Visible(refund) ? refund : throw ApiErrorException.NoSuch("refund", id, "refund");

    /// <summary>The captured charge behind a refund request, named by PaymentIntent or charge id.</summary>
    private Charge ResolveRefundable(RequestContext c, string? piId, string? chargeId)
    {
        if (piId is null && chargeId is null)
        {
            throw ApiErrorException.InvalidRequest("One of the following params should be provided for this request: payment_intent or charge.", "payment_intent");
        }

        Charge? charge = null;
        if (chargeId is not null)
        {
            charge = _state.Charges.TryGetValue(chargeId, out var ch) && c.Visible(ch) ? ch : throw ApiErrorException.NoSuch("charge", chargeId, "charge");
        }

        if (piId is not null)
        {
            var pi = FindPaymentIntent(c, piId);
            if (pi.Status != "succeeded" || pi.LatestChargeId is null)
            {
                throw ApiErrorException.State("payment_intent_unexpected_state",
                    $"This PaymentIntent ({pi.Id}) does not have a successful charge to refund (status {pi.Status}).");
            }

            var latest = _state.Charges[pi.LatestChargeId];
            if (charge is not null && charge.Id != latest.Id)
            {
                throw ApiErrorException.InvalidRequest("The charge does not belong to the PaymentIntent.", "charge");
            }

            charge = latest;
        }

        if (!charge!.Captured)
        {
            throw ApiErrorException.State("charge_not_refundable", $"Charge {charge.Id} has not been captured; cancel the PaymentIntent to release the authorization instead.");
        }

        return charge;
    }

    private Refund CreateRefundCore(Charge charge, long amount, string? reason, Dictionary<string, string> metadata, bool inPerson, RequestInfo? info, string? account)
    {
        _ = account;
        var refund = new Refund
        {
            Id = _state.NewId("re_"),
            Account = charge.Account,
            Created = _state.NowUnix,
            Sequence = _state.NextSequence(),
            ChargeId = charge.Id,
            PaymentIntentId = charge.PaymentIntentId,
            Amount = amount,
            Currency = charge.Currency,
            Reason = reason,
            Metadata = metadata,
            InPerson = inPerson,
            Status = "succeeded", // the refund-fails test card too: it fails later
        };
        _state.Refunds[refund.Id] = refund;
        charge.AmountRefunded += amount;
        charge.Refunded = charge.AmountRefunded >= charge.AmountCaptured;
        _state.Raise("refund.created", refund, info);
        _state.Raise("charge.refunded", charge, info);
        if (charge.Card.Info.RefundFails)
        {
            Schedule(_options.RefundFailureDelay, () =>
            {
                refund.Status = "failed";
                refund.FailureReason = "expired_or_canceled_card";
                charge.AmountRefunded -= refund.Amount;
                charge.Refunded = false;
                // The fields that changed, with their earlier values: failure_reason was absent.
                Action<System.Text.Json.Utf8JsonWriter> previous = w =>
                {
                    w.WriteNull("failure_reason");
                    w.WriteString("status", "succeeded");
                };
                _state.Raise("refund.failed", refund, null, previous);
                _state.Raise("refund.updated", refund, null, previous);
                _state.Raise("charge.refund.updated", refund, null, previous);
            });
        }

        return refund;
    }

    private static bool SameMetadata(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
