using System.Text.Json;

namespace StripeTerminalKit.Emulator.Http;

/// <summary>Renders <see cref="ApiErrorException"/> in Stripe's error shape.</summary>
internal static class ErrorWriter
{
    public static void WriteErrorObject(Utf8JsonWriter w, ApiErrorException e, EmulatorState state, bool includePaymentIntent = true)
    {
        w.WriteStartObject();
        if (e.ChargeId is not null)
        {
            w.WriteString("charge", e.ChargeId);
        }

        // Stripe leaves out what does not apply (no code, no param): none of it is nullable.
        if (e.Code is not null)
        {
            w.WriteString("code", e.Code);
        }

        if (e.DeclineCode is not null)
        {
            w.WriteString("decline_code", e.DeclineCode);
        }

        if (e.Code is not null)
        {
            w.WriteString("doc_url", e.DocUrl);
        }

        w.WriteString("message", e.Message);
        if (e.Param is not null)
        {
            w.WriteString("param", e.Param);
        }

        if (includePaymentIntent && e.PaymentIntent is not null)
        {
            w.WritePropertyName("payment_intent");
            e.PaymentIntent.Write(w, state, ExpandSet.None);
        }

        if (e.PaymentMethodId is not null && state.PaymentMethods.TryGetValue(e.PaymentMethodId, out var pm))
        {
            w.WritePropertyName("payment_method");
            pm.Write(w, state, ExpandSet.None);
        }

        w.WriteString("request_log_url", "https://dashboard.stripe.com/test/logs");
        w.WriteString("type", e.Type);
        w.WriteEndObject();
    }

    public static void WriteErrorBody(Utf8JsonWriter w, ApiErrorException e, EmulatorState state)
    {
        w.WriteStartObject();
        w.WritePropertyName("error");
        WriteErrorObject(w, e, state);
        w.WriteEndObject();
    }
}
