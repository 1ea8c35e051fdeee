using System.Text.Json;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Resources;

internal enum ActionPhase
{
    /// <summary>Waiting for the customer to present a card (or fill in inputs).</summary>
    Waiting,

    /// <summary>Card read; the authorisation is under way. Cancelling now answers terminal_reader_busy.</summary>
    Authorizing,

    /// <summary>Finished: succeeded or failed.</summary>
    Done,
}

internal sealed class ProcessConfig
{
    public bool? EnableCustomerCancellation { get; set; }
    public bool? SkipTipping { get; set; }
    public long? AmountEligible { get; set; }
    public string? ReturnUrl { get; set; }
    public string? AllowRedisplay { get; set; }

    public void Write(Utf8JsonWriter w, string name, bool tipping = true, bool returnUrl = true)
    {
        w.WriteStartObject(name);
        if (EnableCustomerCancellation is not null)
        {
            w.WriteBoolean("enable_customer_cancellation", EnableCustomerCancellation.Value);
        }

        if (returnUrl && ReturnUrl is not null)
        {
            w.WriteString("return_url", ReturnUrl);
        }

        if (tipping && SkipTipping is not null)
        {
            w.WriteBoolean("skip_tipping", SkipTipping.Value);
        }

        if (tipping && AmountEligible is not null)
        {
            w.WriteStartObject("tipping");
            w.WriteNumber("amount_eligible", AmountEligible.Value);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}

internal sealed record CartLine(string Description, long Amount, long Quantity);

internal sealed class Cart
{
    public required string Currency { get; init; }
    public required IReadOnlyList<CartLine> Lines { get; init; }
    public long? Tax { get; init; }
    public long Total { get; init; }
}

internal sealed class InputField
{
    public required string Type { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public string? SubmitButton { get; init; }
    public string? SkipButton { get; init; }
    public bool Required { get; init; }
    public IReadOnlyList<(string Id, string Text, string? Style)> Choices { get; init; } = [];
    public IReadOnlyList<(string Title, string? Description, string DefaultValue)> Toggles { get; init; } = [];

    public bool? Skipped { get; set; }
    public string? Value { get; set; }
    public (string Id, string Text)? Selected { get; set; }
    public string[]? ToggleValues { get; set; }
}

/// <summary>The reader's current action, as Stripe renders <c>reader.action</c>.</summary>
internal sealed class ReaderAction
{
    public required string Type { get; init; }
    public required long Number { get; init; }
    public required string ReaderId { get; init; }
    public int HistoryIndex { get; set; }
    public string Status { get; set; } = "in_progress";
    public ActionPhase Phase { get; set; } = ActionPhase.Waiting;
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public ApiErrorException? ApiError { get; set; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; set; }

    public string? PaymentIntentId { get; init; }
    public string? SetupIntentId { get; init; }
    public ProcessConfig? Config { get; init; }
    public string? CollectedPaymentMethodId { get; set; }
    public DateTimeOffset? CollectedAt { get; set; }
    public string? GeneratedCardId { get; set; }

    // refund_payment
    public long? RefundAmount { get; init; }
    public string? ChargeId { get; init; }
    public string? RefundId { get; set; }
    public string? RefundReason { get; init; }
    public Dictionary<string, string>? RefundMetadata { get; init; }
    public bool? RefundApplicationFee { get; init; }
    public bool? ReverseTransfer { get; init; }

    // set_reader_display
    public Cart? Cart { get; init; }

    // collect_inputs
    public IReadOnlyList<InputField>? Inputs { get; init; }
    public Dictionary<string, string>? InputMetadata { get; init; }

    public bool NeedsCard => Type is "process_payment_intent" or "collect_payment_method" or "process_setup_intent" or "refund_payment";

    public void Write(Utf8JsonWriter w, EmulatorState state, ExpandSet expand)
    {
        w.WriteStartObject();
        if (ApiError is null)
        {
            w.WriteNull("api_error");
        }
        else
        {
            w.WritePropertyName("api_error");
            ErrorWriter.WriteErrorObject(w, ApiError, state);
        }

        switch (Type)
        {
            case "process_payment_intent":
                w.WriteStartObject(Type);
                WritePaymentIntentRef(w, state, expand.Under(Type));
                Config?.Write(w, "process_config");
                w.WriteEndObject();
                break;
            case "collect_payment_method":
                w.WriteStartObject(Type);
                Config?.Write(w, "collect_config", returnUrl: false);
                WritePaymentIntentRef(w, state, expand.Under(Type));
                if (CollectedPaymentMethodId is not null && state.PaymentMethods.TryGetValue(CollectedPaymentMethodId, out var pm))
                {
                    w.WritePropertyName("payment_method");
                    pm.Write(w, state, ExpandSet.None);
                }

                w.WriteEndObject();
                break;
            case "confirm_payment_intent":
                w.WriteStartObject(Type);
                if (Config?.ReturnUrl is not null)
                {
                    w.WriteStartObject("confirm_config");
                    w.WriteString("return_url", Config.ReturnUrl);
                    w.WriteEndObject();
                }

                WritePaymentIntentRef(w, state, expand.Under(Type));
                w.WriteEndObject();
                break;
            case "process_setup_intent":
                w.WriteStartObject(Type);
                if (GeneratedCardId is not null)
                {
                    w.WriteString("generated_card", GeneratedCardId);
                }

                Config?.Write(w, "process_config", tipping: false, returnUrl: false);
                if (expand.Under(Type).Has("setup_intent") && SetupIntentId is not null && state.SetupIntents.TryGetValue(SetupIntentId, out var si))
                {
                    // expand[]=action.process_setup_intent.setup_intent (OpenAPI; corrections table, "Search and lists").
                    w.WritePropertyName("setup_intent");
                    si.Write(w, state, ExpandSet.None);
                }
                else
                {
                    w.WriteString("setup_intent", SetupIntentId);
                }
                w.WriteEndObject();
                break;
            case "refund_payment":
                // Every field of refund_payment is optional and none is nullable: absent until known.
                w.WriteStartObject(Type);
                OptionalNumber(w, "amount", RefundAmount);
                OptionalString(w, "charge", ChargeId);
                w.Map("metadata", RefundMetadata ?? []);
                OptionalString(w, "payment_intent", PaymentIntentId);
                OptionalString(w, "reason", RefundReason);
                if (expand.Under(Type).Has("refund") && RefundId is not null && state.Refunds.TryGetValue(RefundId, out var refund))
                {
                    // expand[]=action.refund_payment.refund (OpenAPI; corrections table, "Search and lists").
                    w.WritePropertyName("refund");
                    refund.Write(w, state, ExpandSet.None);
                }
                else
                {
                    OptionalString(w, "refund", RefundId);
                }
                if (RefundApplicationFee is not null)
                {
                    w.WriteBoolean("refund_application_fee", RefundApplicationFee.Value);
                }

                if (Config?.EnableCustomerCancellation is not null)
                {
                    w.WriteStartObject("refund_payment_config");
                    w.WriteBoolean("enable_customer_cancellation", Config.EnableCustomerCancellation.Value);
                    w.WriteEndObject();
                }

                if (ReverseTransfer is not null)
                {
                    w.WriteBoolean("reverse_transfer", ReverseTransfer.Value);
                }

                w.WriteEndObject();
                break;
            case "set_reader_display":
                w.WriteStartObject(Type);
                w.WriteStartObject("cart");
                w.WriteString("currency", Cart!.Currency);
                w.WriteStartArray("line_items");
                foreach (var line in Cart.Lines)
                {
                    w.WriteStartObject();
                    w.WriteNumber("amount", line.Amount);
                    w.WriteString("description", line.Description);
                    w.WriteNumber("quantity", line.Quantity);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.Num("tax", Cart.Tax);
                w.WriteNumber("total", Cart.Total);
                w.WriteEndObject();
                w.WriteString("type", "cart");
                w.WriteEndObject();
                break;
            case "collect_inputs":
                w.WriteStartObject(Type);
                WriteInputs(w);
                w.Map("metadata", InputMetadata ?? []);
                w.WriteEndObject();
                break;
        }

        w.Str("failure_code", FailureCode);
        w.Str("failure_message", FailureMessage);
        w.WriteString("status", Status);
        w.WriteString("type", Type);
        w.WriteEndObject();
    }

    private static void OptionalString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void OptionalNumber(Utf8JsonWriter w, string name, long? value)
    {
        if (value is not null)
        {
            w.WriteNumber(name, value.Value);
        }
    }

    private void WritePaymentIntentRef(Utf8JsonWriter w, EmulatorState state, ExpandSet expand)
    {
        if (expand.Has("payment_intent") && PaymentIntentId is not null && state.PaymentIntents.TryGetValue(PaymentIntentId, out var pi))
        {
            w.WritePropertyName("payment_intent");
            pi.Write(w, state, expand.Under("payment_intent"));
        }
        else
        {
            w.Str("payment_intent", PaymentIntentId);
        }
    }

    private void WriteInputs(Utf8JsonWriter w)
    {
        w.WriteStartArray("inputs");
        foreach (var input in Inputs ?? [])
        {
            w.WriteStartObject();
            w.WriteStartObject("custom_text");
            w.Str("description", input.Description);
            w.Str("skip_button", input.SkipButton);
            w.Str("submit_button", input.SubmitButton);
            w.WriteString("title", input.Title);
            w.WriteEndObject();
            switch (input.Type)
            {
                case "email" or "numeric" or "phone" or "text" or "signature":
                    // Optional, not nullable: the value object appears once the input is answered or skipped.
                    if (input.Value is not null || input.Skipped == true)
                    {
                        w.WriteStartObject(input.Type);
                        w.Str("value", input.Value);
                        w.WriteEndObject();
                    }

                    break;
                case "selection":
                    w.WriteStartObject("selection");
                    w.WriteStartArray("choices");
                    foreach (var (id, text, style) in input.Choices)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", id);
                        w.Str("style", style);
                        w.WriteString("text", text);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.Str("id", input.Selected?.Id);
                    w.Str("text", input.Selected?.Text);
                    w.WriteEndObject();
                    break;
            }

            w.WriteBoolean("required", input.Required);
            if (input.Skipped is not null)
            {
                w.WriteBoolean("skipped", input.Skipped.Value);
            }

            if (input.Toggles.Count > 0)
            {
                w.WriteStartArray("toggles");
                for (var i = 0; i < input.Toggles.Count; i++)
                {
                    var t = input.Toggles[i];
                    w.WriteStartObject();
                    w.WriteString("default_value", t.DefaultValue);
                    w.Str("description", t.Description);
                    w.WriteString("title", t.Title);
                    w.Str("value", input.ToggleValues?[i]);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteString("type", input.Type);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
