using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary>
/// The life of a reader action, shared by every action endpoint: the checks before a reader takes
/// one (the first failing wins), starting it, and ending it in success or failure with its history.
/// </summary>
internal sealed partial class EmulatorEngine
{
    private static void EnsurePaymentIntentCanBeCollected(PaymentIntent pi, Reader reader)
    {
        if (pi.Status != "requires_payment_method")
        {
            throw new ApiErrorException(400, "invalid_request_error", "intent_invalid_state",
                $"PaymentIntent {pi.Id} has a status of {pi.Status}. Only a PaymentIntent with status requires_payment_method can be processed on a reader.")
            { PaymentIntent = pi };
        }

        if (!pi.PaymentMethodTypes.Contains("card_present") && !pi.PaymentMethodTypes.Contains("interac_present"))
        {
            throw ApiErrorException.InvalidRequest($"PaymentIntent {pi.Id} does not allow card_present; create it with allowed_payment_method_types[]=card_present.", "payment_intent");
        }

        _ = reader;
    }

    /// <summary>The checks Stripe makes before a reader takes a new action; the first failing wins.</summary>
    private void EnsureReaderCanStart(Reader reader, string? paymentIntentId)
    {
        if (!reader.Online || reader.Dropped)
        {
            throw ReaderErrors.Offline();
        }

        EnsureReaderIsFree(reader);

        if (paymentIntentId is not null)
        {
            foreach (var other in _state.Readers.Values)
            {
                if (other != reader && other.Action is { Status: "in_progress" } a && a.PaymentIntentId == paymentIntentId && a.NeedsCard)
                {
                    throw ApiErrorException.State("intent_invalid_state", $"PaymentIntent {paymentIntentId} is already being processed on reader {other.Id}.");
                }
            }
        }
    }

    /// <summary>
    /// One action at a time: "a second action while one is in progress is refused with
    /// <c>terminal_reader_busy</c>" (docs: terminal/payments/collect-card-payment, "Reader busy";
    /// facts corrections table, row "One action at a time"). Requests run one by one under the
    /// engine's lock, so two concurrent requests cannot both find the reader free. A cart shown
    /// with <c>set_reader_display</c> stays in_progress until cleared and is documented as the
    /// step before processing, so it is the one action another may take over (the emulator's choice).
    /// </summary>
    private static void EnsureReaderIsFree(Reader reader)
    {
        if (reader.Action is { Status: "in_progress" } current && current.Type != "set_reader_display")
        {
            throw ReaderErrors.Busy();
        }
    }

    private void StartAction(Reader reader, ReaderAction action, RequestInfo? info, long? amount)
    {
        if (reader.Action is { Status: "in_progress" } replaced)
        {
            UpdateHistory(replaced, "replaced");
        }

        reader.Action = action;
        reader.LastSeenAtMs = _state.Now.ToUnixTimeMilliseconds();
        action.HistoryIndex = _state.ActionHistory.Count;
        _state.ActionHistory.Add(new ReaderActionRecord(reader.Id, action.Number, action.Type, action.PaymentIntentId, action.Status, null, action.StartedAt, null));
        _ = info;

        if (action.Type == "collect_inputs")
        {
            // An automated customer answers a form too: one who would pay fills it in, one who would
            // cancel skips what may be skipped, one who walks away lets it time out.
            var decision = _customer.Decide(new CustomerPrompt(reader.Id, action.Type, null, null));
            if (decision is not null && !decision.Ignore)
            {
                Schedule(decision.Delay, () =>
                {
                    if (reader.Action == action && action.Status == "in_progress")
                    {
                        CompleteInputCollection(reader, action, skipOptional: decision.Cancel, null);
                    }
                });
            }
        }
        else if (action.NeedsCard)
        {
            var decision = _customer.Decide(new CustomerPrompt(reader.Id, action.Type, action.PaymentIntentId, amount));
            if (decision is not null && !decision.Ignore)
            {
                Schedule(decision.Delay, () =>
                {
                    if (reader.Action != action || action.Status != "in_progress" || action.Phase != ActionPhase.Waiting)
                    {
                        return; // the prompt is gone: replaced, cancelled or already answered
                    }

                    if (decision.Cancel)
                    {
                        CustomerCancelCore(reader);
                    }
                    else
                    {
                        PresentCard(reader, decision.CardNumber, decision.Tip, null);
                    }
                });
            }
        }
    }

    private void UpdateHistory(ReaderAction action, string? statusOverride = null)
    {
        var record = _state.ActionHistory[action.HistoryIndex];
        _state.ActionHistory[action.HistoryIndex] = record with
        {
            Status = statusOverride ?? action.Status,
            FailureCode = action.FailureCode,
            EndedAt = statusOverride is not null || action.Status != "in_progress" ? _state.Now : null,
        };
    }

    private void SucceedAction(Reader reader, ReaderAction action, RequestInfo? info)
    {
        action.Status = "succeeded";
        action.Phase = ActionPhase.Done;
        action.EndedAt = _state.Now;
        UpdateHistory(action);
        _state.Raise("terminal.reader.action_succeeded", reader, info);
    }

    private void FailAction(Reader reader, ReaderAction action, string code, string message, ApiErrorException? apiError, RequestInfo? info)
    {
        action.Status = "failed";
        action.Phase = ActionPhase.Done;
        action.FailureCode = code;
        action.FailureMessage = message;
        action.ApiError = apiError;
        action.EndedAt = _state.Now;
        UpdateHistory(action);
        if (action.Type == "collect_payment_method" && action.PaymentIntentId is not null && _state.PaymentIntents.TryGetValue(action.PaymentIntentId, out var pi) && pi.Status == "requires_confirmation")
        {
            pi.Status = "requires_payment_method";
        }

        _state.Raise("terminal.reader.action_failed", reader, info);
    }

    private long PendingInPersonRefunds(string chargeId)
    {
        long sum = 0;
        foreach (var r in _state.Readers.Values)
        {
            if (r.Action is { Type: "refund_payment", Status: "in_progress" } a && a.ChargeId == chargeId)
            {
                sum += a.RefundAmount ?? 0;
            }
        }

        return sum;
    }
}
