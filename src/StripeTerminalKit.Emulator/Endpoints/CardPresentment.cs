using StripeTerminalKit.Emulator.Cards;
using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary>
/// What happens when a card meets a reader: network routing (eftpos rules), test cards and
/// test amounts, authorisation, and the events Stripe sends for each outcome.
/// </summary>
internal sealed partial class EmulatorEngine
{
    internal object PresentPaymentMethod(RequestContext c)
    {
        var reader = FindReader(c, c.Id);
        var p = c.Params;
        var type = p.Enum("type", false, "card_present", "interac_present", "card");
        var number = ReadCardNumber(p.Object("card_present"));
        var interac = ReadCardNumber(p.Object("interac_present"));
        var card = p.Object("card");
        if (card is not null)
        {
            var typed = ReadCardNumber(card, required: true);
            number ??= typed;
            card.Long("exp_month", min: 1, max: 12);
            card.Long("exp_year");
            card.String("cvc");
        }

        var tip = p.Long("amount_tip", min: 0);
        c.ReadExpand(ReaderExpandables);
        p.EnsureNoUnknown();

        if (!reader.IsSimulated)
        {
            throw ApiErrorException.InvalidRequest("Test helpers can only be used with simulated readers.", "reader");
        }

        if (!reader.Online || reader.Dropped && !reader.DropAfterAuthorization)
        {
            throw ReaderErrors.Offline();
        }

        var cardNumber = interac ?? number ?? DefaultCardFor(reader, type);
        if (!PresentCard(reader, cardNumber, tip, c.Info))
        {
            throw ApiErrorException.State("intent_invalid_state",
                "The reader has no action that is waiting for a payment method to be presented.");
        }

        return reader;
    }

    /// <summary>A card number: 12 to 19 digits, or Stripe's refusal (the emulator slices its last digits later).</summary>
    private static string? ReadCardNumber(Params? p, bool required = false)
    {
        var number = p?.String("number", required: required, allowEmpty: false);
        if (number is not null && (number.Length is < 12 or > 19 || !number.All(char.IsAsciiDigit)))
        {
            throw ApiErrorException.InvalidRequest("Your card number is incorrect.", p!.PathOf("number"), "invalid_number");
        }

        return number;
    }

    internal bool CustomerTap(string readerId, string cardNumber, long? tip) =>
        Mutate(() => _state.Readers.TryGetValue(readerId, out var r) && !r.Deleted && PresentCard(r, cardNumber, tip, null));

    internal bool CustomerCancel(string readerId) =>
        Mutate(() => _state.Readers.TryGetValue(readerId, out var r) && !r.Deleted && CustomerCancelCore(r));

    internal void SetReaderOnline(string readerId, bool online) => Mutate(() =>
    {
        GetReaderForFault(readerId).Online = online;
        return 0;
    });

    internal void DropReader(string readerId, bool afterAuthorization) => Mutate(() =>
    {
        var reader = GetReaderForFault(readerId);
        reader.DropAfterAuthorization = afterAuthorization;
        reader.Dropped = !afterAuthorization; // with afterAuthorization, it drops at the tap
        return 0;
    });

    internal void RestoreReader(string readerId) => Mutate(() =>
    {
        var reader = GetReaderForFault(readerId);
        reader.Dropped = false;
        reader.DropAfterAuthorization = false;
        reader.Online = true;
        return 0;
    });

    private Reader GetReaderForFault(string readerId) =>
        _state.Readers.TryGetValue(readerId, out var r) ? r : throw new ArgumentException($"No reader {readerId} in the emulator.", nameof(readerId));

    private string DefaultCardFor(Reader reader, string? type)
    {
        if (type == "interac_present")
        {
            return TestCards.Interac;
        }

        if (reader.Action?.PaymentIntentId is { } piId && _state.PaymentIntents.TryGetValue(piId, out var pi)
            && pi.PaymentMethodTypes.Count == 1 && pi.PaymentMethodTypes[0] == "interac_present")
        {
            return TestCards.Interac;
        }

        return TestCards.Visa;
    }

    private bool CustomerCancelCore(Reader reader)
    {
        if (reader.Dropped || reader.Action is not { Status: "in_progress", Phase: ActionPhase.Waiting } action || !action.NeedsCard)
        {
            return false;
        }

        if (action.Config?.EnableCustomerCancellation != true)
        {
            return false;
        }

        FailAction(reader, action, "customer_canceled", "This action could not be completed due to an error on the card reader.", null, null);
        return true;
    }

    /// <summary>A card is tapped on the reader. False when nothing was waiting for one.</summary>
    private bool PresentCard(Reader reader, string number, long? tip, RequestInfo? info)
    {
        if (reader.Action is not { Status: "in_progress", Phase: ActionPhase.Waiting } action || !action.NeedsCard)
        {
            return false;
        }

        if (reader.Dropped)
        {
            return false; // the reader is gone: the tap never reaches Stripe
        }

        var known = CardCatalog.TryGet(number, out var info0) ? info0 : new CardInfo(number, "visa", "credit", "US", "visa");
        switch (action.Type)
        {
            case "process_payment_intent":
            case "collect_payment_method":
            {
                var pi = _state.PaymentIntents[action.PaymentIntentId!];

                // Tipping off (skipped, or not configured for this currency on the reader's location): the tip stays null.
                var tipping = action.Config?.SkipTipping != true && TippingOffered(reader, pi.Currency);
                if (tipping && tip is > 0 && action.Config?.AmountEligible != 0)
                {
                    pi.Amount += tip.Value;
                    pi.TipAmount = tip.Value;
                }
                else if (tipping)
                {
                    pi.TipAmount ??= 0;
                }

                var details = Route(known, pi);
                var pm = new PaymentMethod { Id = _state.NewId("pm_"), Account = pi.Account, Created = _state.NowUnix, Sequence = _state.NextSequence(), Card = details };
                _state.PaymentMethods[pm.Id] = pm;
                if (action.Type == "collect_payment_method")
                {
                    action.CollectedPaymentMethodId = pm.Id;
                    action.CollectedAt = _state.Now;
                    action.Status = "succeeded";
                    action.Phase = ActionPhase.Done;
                    action.EndedAt = _state.Now;
                    pi.PaymentMethodId = pm.Id;
                    pi.Status = "requires_confirmation";
                    UpdateHistory(action);
                    _state.Raise("terminal.reader.action_updated", reader, info);
                    return true;
                }

                action.CollectedPaymentMethodId = pm.Id;
                Authorize(reader, action, pi, details, info);
                return true;
            }

            case "process_setup_intent":
            {
                var si = _state.SetupIntents[action.SetupIntentId!];
                if (known.ErrorCode is not null)
                {
                    var error = new ApiErrorException(402, "card_error", "setup_intent_authentication_failure", CardCatalog.MessageFor(known.ErrorCode, known.DeclineCode)) { DeclineCode = known.DeclineCode };
                    si.LastSetupError = error;
                    FailAction(reader, action, "card_declined", error.Message, error, info);
                    _state.Raise("setup_intent.setup_failed", si, info);
                    return true;
                }

                var generated = new PaymentMethod { Id = _state.NewId("pm_"), Account = si.Account, Created = _state.NowUnix, Sequence = _state.NextSequence(), Card = new CardDetails(known, known.InternationalNetwork, "card", _state.Now.Year + 3) };
                _state.PaymentMethods[generated.Id] = generated;
                action.GeneratedCardId = generated.Id;
                si.PaymentMethodId = generated.Id;
                si.Status = "succeeded";
                _state.Raise("setup_intent.succeeded", si, info);
                SucceedAction(reader, action, info);
                return true;
            }

            case "refund_payment":
            {
                var charge = _state.Charges[action.ChargeId!];
                if (charge.Card.Info.Number != known.Number && charge.Card.Info.Last4 != known.Last4)
                {
                    FailAction(reader, action, "card_mismatch", "The card presented is not the card that made the payment.", null, info);
                    return true;
                }

                // Interac's test amounts: a partial in-person refund ending in 01/05/55/65/75 declines.
                var refundAmount = action.RefundAmount!.Value;
                if (charge.Card.Network == "interac" && refundAmount < charge.AmountCaptured && refundAmount % 100 is 1 or 5 or 55 or 65 or 75)
                {
                    var declineCode = CardCatalog.DeclineCodeForAmount(refundAmount);
                    var declined = new ApiErrorException(402, "card_error", "card_declined", CardCatalog.MessageFor("card_declined", declineCode)) { DeclineCode = declineCode, ChargeId = charge.Id };
                    FailAction(reader, action, "card_declined", declined.Message, declined, info);
                    return true;
                }

                var refund = CreateRefundCore(charge, action.RefundAmount!.Value, null, action.RefundMetadata ?? [], inPerson: true, info, action.Config is null ? null : reader.Account);
                action.RefundId = refund.Id;
                SucceedAction(reader, action, info);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Picks the network a card is routed to. eftpos is single-message (captured at once); plain
    /// manual capture cannot route to eftpos, so an eftpos-only card declines there.
    /// </summary>
    private CardDetails Route(CardInfo card, PaymentIntent pi)
    {
        var expYear = _state.Now.Year + 3;
        if (card.Interac)
        {
            return new CardDetails(card, "interac", pi.PaymentMethodTypes.Contains("interac_present") ? "interac_present" : "card_present", expYear);
        }

        if (!card.HasEftpos || pi.Currency != "aud")
        {
            return new CardDetails(card, card.InternationalNetwork, "card_present", expYear);
        }

        if (card.EftposOnly)
        {
            return new CardDetails(card, "eftpos_au", "card_present", expYear);
        }

        var priority = pi.CardPresent?.RoutingPriority;
        var capture = pi.EffectiveCardPresentCapture;
        var eftpos = capture switch
        {
            "manual" or "automatic_delayed" => false,
            "manual_preferred" => priority == "domestic",
            _ => priority != "international", // automatic: contactless defaults to eftpos
        };
        return new CardDetails(card, eftpos ? "eftpos_au" : card.InternationalNetwork, "card_present", expYear);
    }

    /// <summary>Authorises the PaymentIntent with the card; declines by test card or test amount.</summary>
    private void Authorize(Reader reader, ReaderAction action, PaymentIntent pi, CardDetails card, RequestInfo? info)
    {
        if (_options.AuthorizationDelay > TimeSpan.Zero && action.Phase == ActionPhase.Waiting)
        {
            action.Phase = ActionPhase.Authorizing;
            Schedule(_options.AuthorizationDelay, () =>
            {
                if (reader.Action == action && action.Phase == ActionPhase.Authorizing)
                {
                    AuthorizeNow(reader, action, pi, card, null);
                }
            });
            return;
        }

        AuthorizeNow(reader, action, pi, card, info);
    }

    private void AuthorizeNow(Reader reader, ReaderAction action, PaymentIntent pi, CardDetails card, RequestInfo? info)
    {
        var (errorCode, declineCode) = DeclineFor(card, pi, reader);
        var singleMessage = card.Network is "eftpos_au" or "interac";
        var delayed = pi.EffectiveCardPresentCapture == "automatic_delayed";
        var manual = pi.EffectiveCardPresentCapture is "manual" or "manual_preferred" || delayed;
        var charge = new Charge
        {
            Id = _state.NewId("ch_"),
            Account = pi.Account,
            Created = _state.NowUnix,
            Sequence = _state.NextSequence(),
            PaymentIntentId = pi.Id,
            Currency = pi.Currency,
            Amount = pi.Amount,
            Status = errorCode is null ? "succeeded" : "failed",
            PaymentMethodId = action.CollectedPaymentMethodId,
            Card = card,
            Description = pi.Description,
            Metadata = new Dictionary<string, string>(pi.Metadata, StringComparer.Ordinal),
            ReceiptEmail = pi.ReceiptEmail,
            IncrementalAuthorizationSupported = pi.CardPresent?.RequestIncrementalAuthorizationSupport == true && !singleMessage,
            ReaderId = reader.Id,
            LocationId = reader.LocationId,
        };
        _state.Charges[charge.Id] = charge;
        pi.LatestChargeId = charge.Id;
        pi.PaymentMethodId = action.CollectedPaymentMethodId;
        var dropSilently = reader.DropAfterAuthorization;

        if (errorCode is not null)
        {
            var message = CardCatalog.MessageFor(errorCode, declineCode);
            charge.FailureCode = errorCode;
            charge.FailureMessage = message;
            charge.DeclineCode = declineCode;
            var error = new ApiErrorException(402, "card_error", errorCode, message) { DeclineCode = declineCode, ChargeId = charge.Id, PaymentMethodId = action.CollectedPaymentMethodId };
            pi.Status = "requires_payment_method";
            pi.PaymentMethodId = null;
            pi.LastPaymentError = error;
            RevertTip(pi);
            _state.Raise("charge.failed", charge, info);
            _state.Raise("payment_intent.payment_failed", pi, info);
            if (dropSilently)
            {
                DropNow(reader, action);
                return;
            }

            FailAction(reader, action, errorCode, message, error, info);
            return;
        }

        charge.Paid = true;
        pi.LastPaymentError = null;
        if (manual && !singleMessage)
        {
            charge.Captured = false;
            var validity = pi.CardPresent?.RequestExtendedAuthorization == true ? _options.ExtendedAuthorizationValidity : _options.AuthorizationValidity;
            pi.CaptureBefore = _state.Now + validity;
            charge.CaptureBefore = pi.CaptureBefore;
            pi.Status = "requires_capture";
            pi.AmountCapturable = pi.Amount;
            if (delayed)
            {
                // automatic_delayed: Stripe captures by itself after capture_delay_days (docs:
                // regional AU). Until then it can be captured or cancelled like a manual one; the
                // authorisation lasts until the capture is due (the emulator's choice).
                var delay = TimeSpan.FromDays(pi.CardPresent!.CaptureDelayDays ?? 1);
                pi.CaptureBefore = _state.Now + delay + TimeSpan.FromHours(1);
                charge.CaptureBefore = pi.CaptureBefore;
                Schedule(delay, () => CaptureDelayed(pi));
            }
            else
            {
                _state.AuthorizationExpiries.Enqueue(pi.Id, pi.CaptureBefore.Value);
                Schedule(validity, static () => { }); // wakes the engine when due: Mutate expires what is due first
            }

            _state.Raise("charge.succeeded", charge, info);
            _state.Raise("payment_intent.amount_capturable_updated", pi, info, "requires_payment_method");
        }
        else
        {
            charge.Captured = true;
            charge.AmountCaptured = pi.Amount;
            pi.Status = "succeeded";
            pi.AmountReceived = pi.Amount;
            _state.Raise("charge.succeeded", charge, info);
            _state.Raise("payment_intent.succeeded", pi, info, "requires_payment_method");
        }

        if (dropSilently)
        {
            DropNow(reader, action);
            return;
        }

        SucceedAction(reader, action, info);
    }

    /// <summary>The capture Stripe makes itself when an automatic_delayed payment's delay is over.</summary>
    private void CaptureDelayed(PaymentIntent pi)
    {
        if (pi.Status != "requires_capture" || pi.LatestChargeId is null || !_state.Charges.TryGetValue(pi.LatestChargeId, out var charge))
        {
            return; // captured or cancelled meanwhile
        }

        charge.Captured = true;
        charge.AmountCaptured = pi.AmountCapturable;
        pi.AmountReceived = pi.AmountCapturable;
        pi.AmountCapturable = 0;
        pi.Status = "succeeded";
        pi.CaptureBefore = null;
        _state.Raise("charge.captured", charge, null);
        _state.Raise("payment_intent.succeeded", pi, null, "requires_capture");
    }

    /// <summary>
    /// A declined or abandoned attempt takes its tip with it: the next attempt starts from the
    /// amount the POS asked for, not that amount plus an earlier customer's tip.
    /// </summary>
    private static void RevertTip(PaymentIntent pi)
    {
        pi.Amount -= pi.TipAmount ?? 0;
        pi.TipAmount = null;
    }

    /// <summary>The reader vanishes mid-payment: the action stays in_progress and no reader webhook is sent.</summary>
    private static void DropNow(Reader reader, ReaderAction action)
    {
        // Stuck in_progress but finished inside: no later tap may authorise the payment again.
        action.Phase = ActionPhase.Done;
        reader.Dropped = true;
        reader.DropAfterAuthorization = false;
    }

    private static (string? ErrorCode, string? DeclineCode) DeclineFor(CardDetails card, PaymentIntent pi, Reader reader)
    {
        if (card.Info.ErrorCode is not null)
        {
            return (card.Info.ErrorCode, card.Info.DeclineCode);
        }

        if (card.Network == "eftpos_au" && pi.EffectiveCardPresentCapture is "manual" or "automatic_delayed")
        {
            // eftpos is single-message only: it cannot authorise now and capture later.
            return ("card_declined", "transaction_not_allowed");
        }

        return CardCatalog.DeclineCodeForAmount(pi.Amount, reader.HasCustomerScreen) is { } code ? ("card_declined", code) : (null, null);
    }
}
