using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>The POS API end to end on real loopback HTTP: API → kit → emulator → signed webhook → API.</summary>
public sealed class PosApiTests(WebSampleFactory app) : IClassFixture<WebSampleFactory>
{
    private static object Sale(string id, string readerId, long amount = 1750, string? captureMode = null) => new
    {
        checkoutId = id,
        readerId,
        amount,
        captureMode,
        lines = amount == 1750
            ? new object[] { new { description = "Flat white", unitAmount = 550, quantity = 2 }, new { description = "Banana bread", unitAmount = 650, quantity = 1 } }
            : null,
    };

    [Fact]
    public async Task A_tap_pays_the_checkout_and_the_emulator_webhooks_reach_the_endpoint_over_http()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Front counter");
        var deliveredBefore = app.Emulator.Webhooks.Counters.Delivered;

        var started = await till.StartAsync(Sale("api-happy", reader));
        await till.WaitForAsync("api-happy", c => c.State == "waiting_for_customer");
        await till.TapAsync(reader, "visa", tip: 200);
        var done = await till.WaitForAsync("api-happy", c => c.Completed);

        Assert.Equal("created", started.State);
        Assert.Equal("succeeded", done.Outcome);
        Assert.Equal(1950, done.AmountCaptured);
        Assert.Equal(200, done.TipAmount);
        Assert.Equal(new Card("visa", "4242", "visa"), done.Card);
        Assert.Equal(("A0000000031010", "3030", reader), (done.Receipt?.ApplicationId, done.Receipt?.AuthorizationResponseCode, done.Receipt?.ReaderId));
        Assert.StartsWith("pi_", done.PaymentIntentId);
        Assert.Equal(done.State, (await till.CheckoutAsync("api-happy")).State);
        await app.Emulator.Webhooks.DrainAsync();
        Assert.True(app.Emulator.Webhooks.Counters.Delivered > deliveredBefore, "no webhook was accepted by /stripe/webhooks");
        Assert.Equal(0, app.Emulator.Webhooks.Counters.FailedAttempts);
    }

    [Fact]
    public async Task A_declined_card_waits_for_another_card_which_then_pays()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Front counter");
        await till.StartAsync(Sale("api-decline", reader));
        await till.WaitForAsync("api-decline", c => c.State == "waiting_for_customer");

        await till.TapAsync(reader, "insufficient_funds");
        var declined = await till.WaitForAsync("api-decline", c => c.State == "awaiting_retry");
        using var retry = await till.PostAsync("/api/checkouts/api-decline/retry", null);
        await till.WaitForAsync("api-decline", c => c.State == "waiting_for_customer");
        await till.TapAsync(reader, "mastercard");
        var paid = await till.WaitForAsync("api-decline", c => c.Completed);

        Assert.False(declined.Completed);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("succeeded", paid.Outcome);
        Assert.Equal("mastercard", paid.Card?.Brand);
        Assert.Equal(2, paid.Attempts);
    }

    [Fact]
    public async Task A_decline_then_a_cancel_ends_with_no_money_taken()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Front counter");
        await till.StartAsync(Sale("api-decline-cancel", reader));
        await till.WaitForAsync("api-decline-cancel", c => c.State == "waiting_for_customer");
        await till.TapAsync(reader, "declined");
        await till.WaitForAsync("api-decline-cancel", c => c.State == "awaiting_retry");

        using var cancel = await till.PostAsync("/api/checkouts/api-decline-cancel/cancel", null);
        var done = await till.WaitForAsync("api-decline-cancel", c => c.Completed);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("canceled", done.Outcome);
        Assert.Equal(0, done.AmountCaptured);
        Assert.Equal("canceled", app.Emulator.GetLedger().PaymentIntents.Single(p => p.Id == done.PaymentIntentId).Status);
    }

    [Fact]
    public async Task The_cashier_cancels_while_the_reader_waits()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Coffee window");
        await till.StartAsync(Sale("api-cancel", reader, 990));
        await till.WaitForAsync("api-cancel", c => c.State == "waiting_for_customer");

        using var cancel = await till.PostAsync("/api/checkouts/api-cancel/cancel", null);
        var done = await till.WaitForAsync("api-cancel", c => c.Completed);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("canceled", done.State);
        Assert.Equal("canceled_by_merchant", done.Reason);
    }

    [Fact]
    public async Task The_customer_cancels_on_the_reader()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Coffee window");
        await till.StartAsync(Sale("api-customer-cancel", reader, 990));
        await till.WaitForAsync("api-customer-cancel", c => c.State == "waiting_for_customer");

        using var press = await till.PostAsync($"/api/emulator/readers/{reader}/cancel", null);
        var done = await till.WaitForAsync("api-customer-cancel", c => c.Completed);

        Assert.Equal(HttpStatusCode.NoContent, press.StatusCode);
        Assert.Equal("canceled_by_customer", done.Reason);
    }

    [Fact]
    public async Task A_paid_checkout_is_refunded_in_part_then_in_full_and_no_further()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Front counter");
        await till.StartAsync(Sale("api-refund", reader));
        await till.WaitForAsync("api-refund", c => c.State == "waiting_for_customer");
        await till.TapAsync(reader, "eftpos");
        await till.WaitForAsync("api-refund", c => c.Completed);

        using var part = await till.PostAsJsonAsync("/api/checkouts/api-refund/refund", new { amount = 500 });
        var partBody = await part.Content.ReadFromJsonAsync<OperationResponse>(WebSampleFactory.Json);
        using var rest = await till.PostAsJsonAsync("/api/checkouts/api-refund/refund", new { });
        var restBody = await rest.Content.ReadFromJsonAsync<OperationResponse>(WebSampleFactory.Json);
        using var again = await till.PostAsJsonAsync("/api/checkouts/api-refund/refund", new { });
        var problem = await again.Content.ReadFromJsonAsync<ProblemDetails>();

        Assert.Equal(HttpStatusCode.OK, part.StatusCode);
        Assert.Equal(500, partBody!.Operation.Amount);
        Assert.StartsWith("re_", partBody.Operation.RefundId);
        Assert.Equal("partially_refunded", partBody.Checkout!.State);
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        Assert.Equal(1250, restBody!.Operation.Amount);
        Assert.Equal("refunded", restBody.Checkout!.State);
        Assert.Equal(1750, restBody.Checkout.AmountRefunded);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Contains("refund", problem!.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1750, app.Emulator.GetLedger().Refunds.Where(r => r.PaymentIntentId == restBody.Checkout.PaymentIntentId).Sum(r => r.Amount));
    }

    [Fact]
    public async Task A_manual_checkout_is_authorised_then_captured()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Front counter");
        await till.StartAsync(Sale("api-manual", reader, 4200, captureMode: "manual"));
        await till.WaitForAsync("api-manual", c => c.State == "waiting_for_customer");
        await till.TapAsync(reader, "visa");
        var authorised = await till.WaitForAsync("api-manual", c => c.Completed);

        using var capture = await till.PostAsJsonAsync("/api/checkouts/api-manual/capture", new { amount = 4000 });
        var captured = await capture.Content.ReadFromJsonAsync<OperationResponse>(WebSampleFactory.Json);

        Assert.Equal("authorized", authorised.State);
        Assert.Equal(0, authorised.AmountCaptured);
        Assert.Equal(HttpStatusCode.OK, capture.StatusCode);
        Assert.Equal(4000, captured!.Checkout!.AmountCaptured);
        Assert.Equal("succeeded", captured.Checkout.State);
    }

    [Fact]
    public async Task Bad_input_gets_a_validation_problem_naming_each_field_and_nothing_reaches_stripe()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Front counter");
        var calls = app.Emulator.RequestLog.Count(r => r.Operation.StartsWith("payment_intents", StringComparison.Ordinal));

        using var missing = await till.PostAsJsonAsync("/api/checkouts", new { amount = -5, captureMode = "later", lines = new[] { new { description = "", unitAmount = 1, quantity = 0 } } });
        var errors = (await missing.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors;
        using var mismatch = await till.PostAsJsonAsync("/api/checkouts", new { readerId = reader, amount = 1000, lines = new[] { new { description = "Latte", unitAmount = 580, quantity = 1 } } });
        var mismatchErrors = (await mismatch.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors;
        using var unknownReader = await till.PostAsJsonAsync("/api/checkouts", new { readerId = "tmr_nope", amount = 1000 });
        using var notJson = await till.PostAsync("/api/checkouts", new StringContent("{ amount: ", Encoding.UTF8, "application/json"));
        using var badRefund = await till.PostAsJsonAsync("/api/checkouts/whatever/refund", new { amount = -1 });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(["amount", "captureMode", "lines[0].description", "lines[0].quantity", "readerId"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("580", Assert.Single(mismatchErrors["lines"]), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknownReader.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal("application/problem+json", notJson.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, badRefund.StatusCode);
        Assert.Equal(calls, app.Emulator.RequestLog.Count(r => r.Operation.StartsWith("payment_intents", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_second_sale_on_a_busy_reader_is_refused_with_409()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Coffee window");
        await till.StartAsync(Sale("api-busy-1", reader, 500));
        await till.WaitForAsync("api-busy-1", c => c.State == "waiting_for_customer");

        using var second = await till.PostAsJsonAsync("/api/checkouts", Sale("api-busy-2", reader, 700));
        using var cancel = await till.PostAsync("/api/checkouts/api-busy-1/cancel", null);
        await till.WaitForAsync("api-busy-1", c => c.Completed);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        // The refusal never names the checkout holding the reader: it may be another till's sale.
        Assert.DoesNotContain("api-busy-1", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-0123456789")]
    public async Task Without_a_valid_device_token_the_api_answers_401_with_a_problem(string? token)
    {
        using var client = app.Device(token);

        using var readers = await client.GetAsync("/api/readers");
        using var start = await client.PostAsJsonAsync("/api/checkouts", new { amount = 100 });
        using var tap = await client.PostAsJsonAsync("/api/emulator/readers/tmr_x/tap", new { card = "visa" });

        foreach (var response in new[] { readers, start, tap })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task One_device_cannot_see_or_touch_another_devices_checkout()
    {
        using var till1 = app.Device();
        using var till2 = app.Device(WebSampleFactory.Till2Token);
        var reader = await till1.ReaderAsync("Coffee window");
        await till1.StartAsync(Sale("api-owned", reader, 300));
        await till1.WaitForAsync("api-owned", c => c.State == "waiting_for_customer");

        using var look = await till2.GetAsync("/api/checkouts/api-owned");
        using var cancel = await till2.PostAsync("/api/checkouts/api-owned/cancel", null);
        using var reuse = await till2.PostAsJsonAsync("/api/checkouts", Sale("api-owned", reader, 300));
        using var ownCancel = await till1.PostAsync("/api/checkouts/api-owned/cancel", null);
        await till1.WaitForAsync("api-owned", c => c.Completed);

        Assert.Equal(HttpStatusCode.NotFound, look.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, ownCancel.StatusCode);
    }

    [Fact]
    public async Task A_webhook_with_a_bad_signature_is_refused_with_400()
    {
        using var stripe = app.Device(token: null);
        var body = """{"id":"evt_forged","object":"event","type":"terminal.reader.action_succeeded","created":1795511873,"data":{"object":{"id":"tmr_x","object":"terminal.reader"}}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhooks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()},v1={new string('a', 64)}");
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhooks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        using var forged = await stripe.SendAsync(request);
        using var missing = await stripe.SendAsync(unsigned);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task Health_reports_reader_connectivity_and_degrades_when_a_reader_goes_offline()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Coffee window");
        using var anonymous = app.Device(token: null);

        var healthy = await till.GetFromJsonAsync<JsonElement>("/health");
        (await till.PostAsync($"/api/emulator/readers/{reader}/offline", null)).Dispose();
        var listed = await till.ReadersAsync();
        using var degradedResponse = await till.GetAsync("/health");
        var degraded = await degradedResponse.Content.ReadFromJsonAsync<JsonElement>();
        var degradedToStrangers = await anonymous.GetFromJsonAsync<JsonElement>("/health");
        (await till.PostAsync($"/api/emulator/readers/{reader}/online", null)).Dispose();
        await till.ReadersAsync();

        Assert.Equal("healthy", healthy.GetProperty("status").GetString());
        Assert.Equal("emulator", healthy.GetProperty("mode").GetString());
        Assert.Equal(2, healthy.GetProperty("readers").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, degradedResponse.StatusCode);
        Assert.Equal("degraded", degraded.GetProperty("status").GetString());
        Assert.Contains(degraded.GetProperty("readers").EnumerateArray(), r => r.GetProperty("status").GetString() == "offline");
        Assert.Equal("degraded", degradedToStrangers.GetProperty("status").GetString());
        Assert.Equal("offline", listed.Single(r => r.Id == reader).Status);
    }
}
