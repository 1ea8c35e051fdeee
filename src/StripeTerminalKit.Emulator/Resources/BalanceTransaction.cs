using System.Text.Json;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Resources;

/// <summary>
/// A captured charge's balance transaction (OpenAPI <c>balance_transaction</c>, type <c>charge</c>),
/// derived from the charge rather than stored: it names the captured amount, a fee and the net.
/// The fee (1.7% + 10 minor units, one <c>stripe_fee</c> line) and the availability date (two days
/// after the charge) are the emulator's choice: Stripe's depend on the account's pricing and payout schedule.
/// </summary>
internal sealed class BalanceTransaction(Charge charge)
{
    private const long AvailableAfterSeconds = 2 * 24 * 60 * 60;

    public string Id => charge.BalanceTransactionIdOrDefault;

    public long Amount => charge.AmountCaptured;

    public long Fee => Amount <= 0 ? 0 : (long)Math.Round(Amount * 0.017m, MidpointRounding.AwayFromZero) + 10;

    public void Write(Utf8JsonWriter w, EmulatorState state, ExpandSet expand)
    {
        _ = expand;
        var available = charge.Created + AvailableAfterSeconds;
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "balance_transaction");
        w.WriteNumber("amount", Amount);
        w.WriteNumber("available_on", available);
        w.WriteNumber("created", charge.Created);
        w.WriteString("currency", charge.Currency);
        w.Str("description", charge.Description);
        w.WriteNull("exchange_rate");
        w.WriteNumber("fee", Fee);
        w.WriteStartArray("fee_details");
        w.WriteStartObject();
        w.WriteNumber("amount", Fee);
        w.WriteNull("application");
        w.WriteString("currency", charge.Currency);
        w.WriteString("description", "Stripe processing fees");
        w.WriteString("type", "stripe_fee");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNumber("net", Amount - Fee);
        w.WriteString("reporting_category", "charge");
        w.WriteString("source", charge.Id);
        w.WriteString("status", state.NowUnix >= available ? "available" : "pending");
        w.WriteString("type", "charge");
        w.WriteEndObject();
    }
}
