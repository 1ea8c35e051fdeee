using System.Net;
using Stripe;
using StripeTerminalKit.Emulator.Tests.Behaviour;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Endpoints;

/// <summary>
/// A captured charge's balance transaction, read as a backend reconciles fees: through
/// <c>expand[]=latest_charge.balance_transaction</c> and <c>GET /v1/balance_transactions/{id}</c>
/// (OpenAPI; stripe-terminal-facts.md corrections table, "Search and lists").
/// </summary>
public sealed class BalanceTransactionsTests
{
    [Fact]
    public async Task A_payment_intent_expands_its_charges_balance_transaction()
    {
        await using var s = await Scenario.StartAsync();
        var (paid, _) = await s.PayAsync(1000);

        var intent = await s.Stripe.V1.PaymentIntents.GetAsync(paid.Id, new PaymentIntentGetOptions { Expand = ["latest_charge.balance_transaction"] });

        var charge = intent.LatestCharge;
        BalanceTransaction transaction = charge.BalanceTransaction;
        Assert.NotNull(transaction);
        Assert.StartsWith("txn_", transaction.Id, StringComparison.Ordinal);
        Assert.Equal(charge.BalanceTransactionId, transaction.Id);
        Assert.Equal("balance_transaction", transaction.Object);
        Assert.Equal(1000, transaction.Amount);
        Assert.Equal(27, transaction.Fee); // the emulator's fee: 1.7% + 10
        Assert.Equal(973, transaction.Net);
        Assert.Equal("aud", transaction.Currency);
        Assert.Equal("charge", transaction.Type);
        Assert.Equal("charge", transaction.ReportingCategory);
        Assert.Equal("pending", transaction.Status);
        Assert.Equal(charge.Id, transaction.SourceId);
        Assert.Equal("stripe_fee", Assert.Single(transaction.FeeDetails).Type);
        Assert.Empty(OpenApiSchemas.Lenient.Validate("balance_transaction", transaction.RawJsonElement!.Value.GetRawText()));
    }

    [Fact]
    public async Task The_balance_transaction_is_served_by_id_and_expands_on_the_charge()
    {
        await using var s = await Scenario.StartAsync();
        var (paid, _) = await s.PayAsync(2500);
        var charge = await s.Stripe.V1.Charges.GetAsync(paid.LatestChargeId, new ChargeGetOptions { Expand = ["balance_transaction"] });

        var byId = await s.Stripe.V1.BalanceTransactions.GetAsync(charge.BalanceTransactionId);
        s.Time.Advance(TimeSpan.FromDays(2));
        var later = await s.Stripe.V1.BalanceTransactions.GetAsync(charge.BalanceTransactionId);

        Assert.Equal(charge.BalanceTransaction.Id, byId.Id);
        Assert.Equal(2500, byId.Amount);
        Assert.Equal(2500 - byId.Fee, byId.Net);
        Assert.Equal("pending", byId.Status);
        Assert.Equal("available", later.Status);
        Assert.Equal(byId.AvailableOn, later.AvailableOn);
        var missing = await Scenario.FailsAsync(() => s.Stripe.V1.BalanceTransactions.GetAsync("txn_doesnotexist"));
        Assert.Equal(HttpStatusCode.NotFound, missing.HttpStatusCode);
        Assert.Equal("resource_missing", missing.StripeError.Code);
    }

    [Fact]
    public async Task An_uncaptured_charge_has_no_balance_transaction_to_expand()
    {
        await using var s = await Scenario.StartAsync();
        var (authorised, _) = await s.PayAsync(1000, captureMethod: "manual");

        var intent = await s.Stripe.V1.PaymentIntents.GetAsync(authorised.Id, new PaymentIntentGetOptions { Expand = ["latest_charge.balance_transaction"] });

        Assert.Equal("requires_capture", intent.Status);
        Assert.Null(intent.LatestCharge.BalanceTransactionId);
        Assert.Null(intent.LatestCharge.BalanceTransaction);
    }

    [Fact]
    public async Task A_path_below_the_charge_that_cannot_be_expanded_is_refused()
    {
        await using var s = await Scenario.StartAsync();
        var (paid, _) = await s.PayAsync(1000);

        var error = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.GetAsync(paid.Id, new PaymentIntentGetOptions { Expand = ["latest_charge.customer"] }));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("expand", error.StripeError.Param);
    }
}
