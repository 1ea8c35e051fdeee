using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary>The reader actions: what the server asks a smart reader to do.</summary>
internal sealed partial class EmulatorEngine
{
    private static readonly string[] ReaderExpandables =
        ["location", "action.process_payment_intent.payment_intent", "action.collect_payment_method.payment_intent", "action.confirm_payment_intent.payment_intent",
         "action.refund_payment.refund", "action.process_setup_intent.setup_intent"];

    internal object ProcessPaymentIntent(RequestContext c) => StartPaymentAction(c, "process_payment_intent", "process_config", returnUrl: true);

    internal object CollectPaymentMethod(RequestContext c) => StartPaymentAction(c, "collect_payment_method", "collect_config", returnUrl: false);

    /// <summary>process_payment_intent and collect_payment_method: the reader asks for a card for the PaymentIntent.</summary>
    private Reader StartPaymentAction(RequestContext c, string type, string configName, bool returnUrl)
    {
        var reader = FindReader(c, c.Id);
        var p = c.Params;
        var piId = p.String("payment_intent", required: true)!;
        var config = ReadProcessConfig(p.Object(configName), tipping: true, returnUrl: returnUrl);
        c.ReadExpand(ReaderExpandables);
        p.EnsureNoUnknown();

        var pi = FindPaymentIntent(c, piId);
        EnsureReaderCanStart(reader, pi.Id);
        EnsurePaymentIntentCanBeCollected(pi, reader);
        StartAction(reader, new ReaderAction
        {
            Type = type,
            Number = _state.NextActionNumber(),
            ReaderId = reader.Id,
            StartedAt = _state.Now,
            PaymentIntentId = pi.Id,
            Config = config,
        }, c.Info, pi.Amount);
        return reader;
    }

    internal object ConfirmPaymentIntent(RequestContext c)
    {
        var reader = FindReader(c, c.Id);
        var p = c.Params;
        var piId = p.String("payment_intent", required: true)!;
        var confirmConfig = p.Object("confirm_config");
        var returnUrl = confirmConfig?.String("return_url");
        c.ReadExpand(ReaderExpandables);
        p.EnsureNoUnknown();

        var pi = FindPaymentIntent(c, piId);
        EnsureReaderCanStart(reader, pi.Id);
        if (pi.Status != "requires_confirmation")
        {
            throw new ApiErrorException(400, "invalid_request_error", "intent_invalid_state",
                $"PaymentIntent {pi.Id} has a status of {pi.Status}; confirm_payment_intent needs requires_confirmation (collect a payment method first).")
            { PaymentIntent = pi };
        }

        var collected = reader.Action is { Type: "collect_payment_method" } prev && prev.PaymentIntentId == pi.Id && prev.CollectedAt is not null ? prev : null;
        if (collected is null)
        {
            throw new ApiErrorException(400, "invalid_request_error", "intent_invalid_state",
                $"The payment method for PaymentIntent {pi.Id} was not collected on reader {reader.Id}.")
            { PaymentIntent = pi };
        }

        var action = new ReaderAction
        {
            Type = "confirm_payment_intent",
            Number = _state.NextActionNumber(),
            ReaderId = reader.Id,
            StartedAt = _state.Now,
            PaymentIntentId = pi.Id,
            Config = returnUrl is null ? null : new ProcessConfig { ReturnUrl = returnUrl },
            CollectedPaymentMethodId = collected.CollectedPaymentMethodId,
        };
        if (_state.Now - collected.CollectedAt!.Value > _options.CollectConfirmWindow)
        {
            // The collected card is no longer usable: the PaymentIntent must be collected again.
            pi.Status = "requires_payment_method";
            pi.PaymentMethodId = null;
            RevertTip(pi);
            throw new ApiErrorException(400, "invalid_request_error", "intent_invalid_state",
                $"The payment method collected for PaymentIntent {pi.Id} expired {_options.CollectConfirmWindow.TotalSeconds:0} seconds after collection. Collect a payment method again.")
            { PaymentIntent = pi };
        }

        StartAction(reader, action, c.Info, null);
        var card = _state.PaymentMethods[collected.CollectedPaymentMethodId!].Card;
        Authorize(reader, action, pi, card, c.Info);
        return reader;
    }

    internal object ProcessSetupIntent(RequestContext c)
    {
        var reader = FindReader(c, c.Id);
        var p = c.Params;
        var siId = p.String("setup_intent", required: true)!;
        var allowRedisplay = p.Enum("allow_redisplay", true, "always", "limited", "unspecified");
        var config = ReadProcessConfig(p.Object("process_config"), tipping: false, returnUrl: false);
        c.ReadExpand(ReaderExpandables);
        p.EnsureNoUnknown();

        var si = _state.SetupIntents.TryGetValue(siId, out var found) && c.Visible(found) ? found : throw ApiErrorException.NoSuch("setupintent", siId, "setup_intent");
        EnsureReaderCanStart(reader, null);
        if (si.Status != "requires_payment_method")
        {
            throw ApiErrorException.State("intent_invalid_state", $"SetupIntent {si.Id} has a status of {si.Status}; process_setup_intent needs requires_payment_method.");
        }

        config ??= new ProcessConfig();
        config.AllowRedisplay = allowRedisplay;
        StartAction(reader, new ReaderAction
        {
            Type = "process_setup_intent",
            Number = _state.NextActionNumber(),
            ReaderId = reader.Id,
            StartedAt = _state.Now,
            SetupIntentId = si.Id,
            Config = config,
        }, c.Info, null);
        return reader;
    }

    internal object RefundPayment(RequestContext c)
    {
        var reader = FindReader(c, c.Id);
        var p = c.Params;
        var piId = p.String("payment_intent", allowEmpty: false);
        var chargeId = p.String("charge", allowEmpty: false);
        var amount = p.Long("amount", min: 1);
        var metadata = p.MetadataForCreate("metadata");
        var refundFee = p.Bool("refund_application_fee");
        var reverse = p.Bool("reverse_transfer");
        var cfg = p.Object("refund_payment_config");
        var enableCancel = cfg?.Bool("enable_customer_cancellation");
        c.ReadExpand(ReaderExpandables);
        p.EnsureNoUnknown();

        var charge = ResolveRefundable(c, piId, chargeId);

        // "In-person refunds are only available on Interac" (docs: terminal/features/refunds;
        // stripe-terminal-facts.md corrections table). Every other card is refunded online. How
        // Stripe words the refusal is not documented: a 400 invalid_request_error naming the
        // parameter, before any action starts, is the emulator's choice (see the README).
        if (charge.Card.Network != "interac")
        {
            throw ApiErrorException.InvalidRequest(
                $"In-person refunds are only available for Interac payments; charge {charge.Id} was paid with {charge.Card.Info.Brand} ({charge.Card.PaymentMethodType}). Refund it online with POST /v1/refunds.",
                piId is not null ? "payment_intent" : "charge");
        }

        var refundable = charge.AmountCaptured - charge.AmountRefunded - PendingInPersonRefunds(charge.Id);
        var refundAmount = amount ?? refundable;
        if (refundAmount > refundable || refundable <= 0)
        {
            throw ApiErrorException.InvalidRequest($"Refund amount ({refundAmount}) is greater than unrefunded amount on charge ({refundable})", "amount", "amount_too_large");
        }

        EnsureReaderCanStart(reader, null);
        StartAction(reader, new ReaderAction
        {
            Type = "refund_payment",
            Number = _state.NextActionNumber(),
            ReaderId = reader.Id,
            StartedAt = _state.Now,
            PaymentIntentId = charge.PaymentIntentId,
            ChargeId = charge.Id,
            RefundAmount = refundAmount,
            RefundMetadata = metadata,
            RefundApplicationFee = refundFee,
            ReverseTransfer = reverse,
            Config = enableCancel is null ? null : new ProcessConfig { EnableCustomerCancellation = enableCancel },
        }, c.Info, refundAmount);
        return reader;
    }

    internal object SetReaderDisplay(RequestContext c)
    {
        var reader = FindReader(c, c.Id);
        var p = c.Params;
        p.Enum("type", true, "cart");
        var cartParams = p.Object("cart", required: true)!;
        var currency = cartParams.String("currency", required: true)!.ToLowerInvariant();
        var lines = new List<CartLine>();
        foreach (var line in cartParams.ObjectList("line_items", required: true, maxItems: 100)!)
        {
            lines.Add(new CartLine(
                line.String("description", required: true, maxLength: 5000)!,
                line.Long("amount", required: true)!.Value,
                line.Long("quantity", required: true, min: 1)!.Value));
            line.EnsureNoUnknown();
        }

        var tax = cartParams.Long("tax", min: 0);
        var total = cartParams.Long("total", required: true, min: 0)!.Value;
        c.ReadExpand(ReaderExpandables);
        p.EnsureNoUnknown();
        if (reader.Online is false || reader.Dropped)
        {
            throw ReaderErrors.Offline();
        }

        EnsureReaderIsFree(reader);

        StartAction(reader, new ReaderAction
        {
            Type = "set_reader_display",
            Number = _state.NextActionNumber(),
            ReaderId = reader.Id,
            StartedAt = _state.Now,
            Cart = new Cart { Currency = currency, Lines = lines, Tax = tax, Total = total },
        }, c.Info, null);
        return reader;
    }

    internal object CollectInputs(RequestContext c)
    {
        var reader = FindReader(c, c.Id);
        var p = c.Params;
        var inputs = new List<InputField>();
        var inputParams = p.ObjectList("inputs", required: true, maxItems: 5)!;
        foreach (var ip in inputParams)
        {
            var type = ip.Enum("type", true, "email", "numeric", "phone", "selection", "signature", "text")!;
            var ct = ip.Object("custom_text", required: true)!;
            var title = ct.String("title", required: true, maxLength: 40)!;
            var description = ct.String("description", maxLength: 500);
            var submit = ct.String("submit_button", maxLength: 30);
            var skip = ct.String("skip_button", maxLength: 14);
            var required = ip.Bool("required") ?? false;
            var choices = new List<(string, string, string?)>();
            var selection = ip.Object("selection");
            if (type == "selection")
            {
                if (selection is null)
                {
                    throw ApiErrorException.Missing(ip.PathOf("selection"));
                }

                foreach (var choice in selection.ObjectList("choices", required: true, maxItems: 10)!)
                {
                    choices.Add((choice.String("id", required: true, maxLength: 50)!, choice.String("text", required: true, maxLength: 30)!, choice.Enum("style", false, "primary", "secondary")));
                }
            }
            else if (selection is not null)
            {
                throw ApiErrorException.InvalidRequest($"{ip.PathOf("selection")} is only allowed for inputs of type selection.", ip.PathOf("selection"));
            }

            var toggles = new List<(string, string?, string)>();
            foreach (var t in ip.ObjectList("toggles", maxItems: 3) ?? [])
            {
                toggles.Add((t.String("title", maxLength: 50) ?? "", t.String("description", maxLength: 50), t.Enum("default_value", false, "enabled", "disabled") ?? "disabled"));
            }

            inputs.Add(new InputField { Type = type, Title = title, Description = description, SubmitButton = submit, SkipButton = skip, Required = required, Choices = choices, Toggles = toggles });
        }

        var metadata = p.MetadataForCreate("metadata");
        c.ReadExpand(ReaderExpandables);
        p.EnsureNoUnknown();
        EnsureReaderCanStart(reader, null);
        var action = new ReaderAction
        {
            Type = "collect_inputs",
            Number = _state.NextActionNumber(),
            ReaderId = reader.Id,
            StartedAt = _state.Now,
            Inputs = inputs,
            InputMetadata = metadata,
        };
        StartAction(reader, action, c.Info, null);
        Schedule(_options.CollectInputsTimeout, () =>
        {
            if (reader.Action == action && action.Status == "in_progress" && !reader.Dropped)
            {
                FailAction(reader, action, "collect_inputs_timeout", "The customer did not complete the form in time.", null, null);
            }
        });
        return reader;
    }

    internal object CancelAction(RequestContext c)
    {
        var reader = FindReader(c, c.Id);
        c.ReadExpand(ReaderExpandables);
        c.Params.EnsureNoUnknown();
        if (!reader.Online || reader.Dropped)
        {
            throw ReaderErrors.Offline();
        }

        if (reader.Action is { Status: "in_progress", Phase: ActionPhase.Authorizing })
        {
            throw ReaderErrors.Busy();
        }

        if (reader.Action is { Status: "in_progress" } a)
        {
            UpdateHistory(a, "canceled");
        }

        // Cancelling after collect_payment_method cancels the collection: the collected card is
        // dropped and the PaymentIntent must be collected again.
        if (reader.Action is { Type: "collect_payment_method" } collect && collect.PaymentIntentId is not null
            && _state.PaymentIntents.TryGetValue(collect.PaymentIntentId, out var pi) && pi.Status == "requires_confirmation")
        {
            pi.Status = "requires_payment_method";
            pi.PaymentMethodId = null;
            RevertTip(pi);
        }

        reader.Action = null;
        return reader;
    }

    private static ProcessConfig? ReadProcessConfig(Params? cfg, bool tipping, bool returnUrl)
    {
        if (cfg is null)
        {
            return null;
        }

        var config = new ProcessConfig
        {
            EnableCustomerCancellation = cfg.Bool("enable_customer_cancellation"),
            AllowRedisplay = tipping ? cfg.Enum("allow_redisplay", false, "always", "limited", "unspecified") : null,
            ReturnUrl = returnUrl ? cfg.String("return_url") : null,
        };
        if (tipping)
        {
            config.SkipTipping = cfg.Bool("skip_tipping");
            config.AmountEligible = cfg.Object("tipping")?.Long("amount_eligible", min: 0);
            if (config.SkipTipping == true && config.AmountEligible > 0)
            {
                throw ApiErrorException.InvalidRequest("You cannot set a tip-eligible amount greater than 0 while skipping tipping.", cfg.PathOf("tipping"));
            }
        }

        return config;
    }
}
