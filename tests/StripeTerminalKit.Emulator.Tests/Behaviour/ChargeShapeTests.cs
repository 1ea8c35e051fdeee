using System.Text.Json;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// The endive charge: <c>payment_method_details.card_present</c> carries <c>reader</c> and
/// <c>location</c> (changelog clover 2026-02-25), always <c>brand_product</c>,
/// <c>network_transaction_id</c>, <c>offline</c>, <c>preferred_locales</c>, and a full
/// <c>receipt</c> (changelog acacia 2024-09-30) with the card's own AID and <c>prepaid</c> for
/// prepaid cards; captured charges have a <c>balance_transaction</c>. Facts corrections table,
/// rows "card_present on the charge" and "Search and lists". Read as raw JSON: Stripe.net 53.1.0
/// may not map every field.
/// </summary>
public sealed class ChargeShapeTests
{
    private static readonly string[] ReceiptFields =
    [
        "account_type", "application_cryptogram", "application_preferred_name", "authorization_code", "authorization_response_code",
        "cardholder_verification_method", "dedicated_file_name", "terminal_verification_results", "transaction_status_information",
    ];

    private static async Task<JsonElement> ChargeJsonAsync(Scenario s, string chargeId)
    {
        var charge = await s.Stripe.V1.Charges.GetAsync(chargeId);
        return JsonDocument.Parse(charge.StripeResponse.Content).RootElement.Clone();
    }

    [Theory]
    [InlineData(TestCards.Visa, "A0000000031010", "credit")]
    [InlineData(TestCards.VisaDebit, "A0000000031010", "checking")]
    [InlineData(TestCards.Mastercard, "A0000000041010", "credit")]
    [InlineData(TestCards.MastercardPrepaid, "A0000000041010", "prepaid")]
    [InlineData(TestCards.EftposAuDebit, "A000000384101001", "checking")]
    public async Task A_card_present_charge_has_the_endive_shape_and_the_card_s_own_aid(string card, string aid, string accountType)
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1500, card);

        var json = await ChargeJsonAsync(s, pi.LatestChargeId);
        var present = json.GetProperty("payment_method_details").GetProperty("card_present");
        var receipt = present.GetProperty("receipt");

        Assert.Equal(s.ReaderId, present.GetProperty("reader").GetString());
        Assert.Equal(s.LocationId, present.GetProperty("location").GetString());
        foreach (var always in new[] { "brand_product", "network_transaction_id", "offline", "preferred_locales" })
        {
            Assert.True(present.TryGetProperty(always, out _), always);
        }

        Assert.Equal(JsonValueKind.Array, present.GetProperty("preferred_locales").ValueKind);
        Assert.StartsWith("ntx", present.GetProperty("network_transaction_id").GetString(), StringComparison.Ordinal);
        foreach (var field in ReceiptFields)
        {
            Assert.Equal(JsonValueKind.String, receipt.GetProperty(field).ValueKind);
        }

        Assert.Equal(aid, receipt.GetProperty("dedicated_file_name").GetString());
        Assert.Equal(accountType, receipt.GetProperty("account_type").GetString());
        Assert.Equal(6, receipt.GetProperty("authorization_code").GetString()!.Length);
        Assert.Equal("3030", receipt.GetProperty("authorization_response_code").GetString());
        Assert.StartsWith("txn_", json.GetProperty("balance_transaction").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_interac_charge_has_the_interac_aid_and_a_full_receipt()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1500, TestCards.Interac, currency: "cad", types: ["interac_present"]);

        var receipt = (await ChargeJsonAsync(s, pi.LatestChargeId)).GetProperty("payment_method_details").GetProperty("interac_present").GetProperty("receipt");

        Assert.Equal("A0000002771010", receipt.GetProperty("dedicated_file_name").GetString());
        Assert.Equal("checking", receipt.GetProperty("account_type").GetString());
        Assert.All(ReceiptFields, f => Assert.Equal(JsonValueKind.String, receipt.GetProperty(f).ValueKind));
    }

    [Fact]
    public async Task A_charge_gets_its_balance_transaction_when_captured()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1500, TestCards.Visa, captureMethod: "manual");

        var authorised = await ChargeJsonAsync(s, pi.LatestChargeId);
        await s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id);
        var captured = await ChargeJsonAsync(s, pi.LatestChargeId);

        Assert.Equal(JsonValueKind.Null, authorised.GetProperty("balance_transaction").ValueKind);
        Assert.StartsWith("txn_", captured.GetProperty("balance_transaction").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declined_charge_has_no_authorisation_code_and_no_balance_transaction()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1500, TestCards.InsufficientFunds);

        var json = await ChargeJsonAsync(s, pi.LatestChargeId);
        var receipt = json.GetProperty("payment_method_details").GetProperty("card_present").GetProperty("receipt");

        Assert.Equal(JsonValueKind.Null, receipt.GetProperty("authorization_code").ValueKind);
        Assert.NotEqual("3030", receipt.GetProperty("authorization_response_code").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("balance_transaction").ValueKind);
    }
}
