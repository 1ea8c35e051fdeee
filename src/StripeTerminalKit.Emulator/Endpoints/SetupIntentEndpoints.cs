using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary><c>/v1/setup_intents</c>: as much as saving a card on a reader needs.</summary>
internal sealed partial class EmulatorEngine
{
    internal object CreateSetupIntent(RequestContext c)
    {
        var p = c.Params;
        if (p.Has("payment_method_types"))
        {
            throw ApiErrorException.InvalidRequest("The payment_method_types parameter is no longer supported on this API version. Use allowed_payment_method_types instead.", "payment_method_types", "payment_method_types_no_longer_supported");
        }

        var allowed = p.StringList("allowed_payment_method_types");
        var types = allowed ?? ["card_present"];
        var customer = p.String("customer", allowEmpty: false);
        var description = p.String("description", maxLength: 1000);
        var metadata = p.MetadataForCreate("metadata");
        var usage = p.Enum("usage", false, "off_session", "on_session") ?? "off_session";
        p.String("on_behalf_of");
        c.ReadExpand();
        p.EnsureNoUnknown();
        foreach (var t in types)
        {
            if (t is not ("card_present" or "card"))
            {
                throw ApiErrorException.InvalidRequest($"The payment method type \"{t}\" is invalid for a SetupIntent on a reader.", "allowed_payment_method_types");
            }
        }

        var id = _state.NewId("seti_");
        var si = new SetupIntent
        {
            Id = id,
            Account = c.Account,
            Created = _state.NowUnix,
            Sequence = _state.NextSequence(),
            PaymentMethodTypes = types.ToArray(),
            AllowedPaymentMethodTypes = allowed?.ToArray(),
            Customer = customer,
            Description = description,
            Metadata = metadata,
            Usage = usage,
            ClientSecret = id + "_secret_" + _state.NewId("", 25),
        };
        _state.SetupIntents[si.Id] = si;
        _state.Raise("setup_intent.created", si, c.Info);
        return si;
    }

    internal object GetSetupIntent(RequestContext c)
    {
        c.ReadExpand();
        c.Params.EnsureNoUnknown();
        return FindSetupIntent(c, c.Id);
    }

    internal object CancelSetupIntent(RequestContext c)
    {
        var si = FindSetupIntent(c, c.Id);
        var reason = c.Params.Enum("cancellation_reason", false, "abandoned", "duplicate", "requested_by_customer");
        c.ReadExpand();
        c.Params.EnsureNoUnknown();
        if (si.Status is "succeeded" or "canceled")
        {
            throw ApiErrorException.State("setup_intent_unexpected_state", $"You cannot cancel this SetupIntent because it has a status of {si.Status}.");
        }

        si.Status = "canceled";
        si.CancellationReason = reason;
        _state.Raise("setup_intent.canceled", si, c.Info);
        return si;
    }

    private SetupIntent FindSetupIntent(RequestContext c, string id) =>
        _state.SetupIntents.TryGetValue(id, out var si) && c.Visible(si) ? si : throw ApiErrorException.NoSuch("setupintent", id, "intent");
}
