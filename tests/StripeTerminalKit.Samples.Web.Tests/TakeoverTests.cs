using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>
/// Issue 12, finding 1: a till must never reach another till's sale — not while it runs, not
/// after its owner made hundreds more sales. On real Kestrel with ten readers, the emulator's
/// customer tapping a Visa at every prompt.
/// </summary>
public sealed class TakeoverTests
{
    private const int Lanes = 10;

    private static WebSampleFactory Shop()
    {
        var settings = new Dictionary<string, string?> { ["Limits:CheckoutsPerDevicePerMinute"] = "100000" };
        for (var i = 2; i < Lanes; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            settings[$"Shop:SimulatedReaders:{n}:RegistrationCode"] = "simulated-s700";
            settings[$"Shop:SimulatedReaders:{n}:Label"] = "Lane " + n;
        }

        var app = new WebSampleFactory(settings);
        app.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromMilliseconds(20)));
        return app;
    }

    private static async Task<Checkout> PayAsync(HttpClient till, string checkoutId, string readerId, long amount)
    {
        await till.StartAsync(new { checkoutId, readerId, amount });
        Checkout done;
        try
        {
            done = await till.WaitForAsync(checkoutId, c => c.Completed);
        }
        catch (OperationCanceledException)
        {
            var now = await till.CheckoutAsync(checkoutId);
            throw new Xunit.Sdk.XunitException($"{checkoutId} did not complete in 20 s: {now.State} ({now.Reason})");
        }

        Assert.True(done.Outcome == "succeeded", $"{checkoutId} ended {done.State} ({done.Reason})");
        return done;
    }

    [Fact]
    public async Task A_till_cannot_take_over_or_refund_another_tills_sale_after_its_owner_made_205_more()
    {
        await using var app = Shop();
        using var till1 = app.Device();
        using var till2 = app.Device(WebSampleFactory.Till2Token);
        var readers = (await till1.ReadersAsync()).Select(r => r.Id).ToArray();
        Assert.Equal(Lanes, readers.Length);

        var victim = await PayAsync(till1, "victim-1", readers[0], 1750);

        // Till 1 keeps selling: more sales than the sales journal keeps for one device (whole
        // dollars: amounts ending in 01, 05 and so on are the simulated readers' decline triggers).
        await Task.WhenAll(Enumerable.Range(0, Lanes).Select(async lane =>
        {
            for (var sale = lane; sale < 205; sale += Lanes)
            {
                await PayAsync(till1, "later-" + sale.ToString(CultureInfo.InvariantCulture), readers[lane], 100 * (1 + sale));
            }
        }));

        // Till 2 tries the id with the same amount, then with another one: both refused alike.
        using var sameAmount = await till2.PostAsJsonAsync("/api/checkouts", new { checkoutId = "victim-1", readerId = readers[0], amount = 1750 });
        var sameBody = await sameAmount.Content.ReadAsStringAsync();
        using var otherAmount = await till2.PostAsJsonAsync("/api/checkouts", new { checkoutId = "victim-1", readerId = readers[0], amount = 999 });
        var otherBody = await otherAmount.Content.ReadAsStringAsync();

        // Every operation answers exactly as for an id that never existed.
        foreach (var (method, suffix) in new[] { ("GET", ""), ("GET", "/events"), ("POST", "/cancel"), ("POST", "/retry"), ("POST", "/capture"), ("POST", "/refund") })
        {
            var taken = await SendAsync(till2, method, "victim-1", suffix);
            var unknown = await SendAsync(till2, method, "never-was-1", suffix);
            Assert.Equal(HttpStatusCode.NotFound, taken.Status);
            Assert.Equal("application/problem+json", taken.MediaType);
            Assert.Equal(unknown.Status, taken.Status);
            Assert.Equal(unknown.Title, taken.Title);
            Assert.Equal(unknown.Detail?.Replace("never-was-1", "ID", StringComparison.Ordinal), taken.Detail?.Replace("victim-1", "ID", StringComparison.Ordinal));
        }

        var ledger = app.Emulator.GetLedger();
        Assert.Equal(HttpStatusCode.Conflict, sameAmount.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, otherAmount.StatusCode);
        Assert.Equal(Problem(sameBody), Problem(otherBody));
        Assert.DoesNotContain("1750", otherBody, StringComparison.Ordinal);
        foreach (var body in new[] { sameBody, otherBody })
        {
            Assert.DoesNotContain(victim.PaymentIntentId!, body, StringComparison.Ordinal);
            Assert.DoesNotContain("4242", body, StringComparison.Ordinal);
            Assert.DoesNotContain("till-1", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Front till", body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(ledger.Refunds, r => r.PaymentIntentId == victim.PaymentIntentId);
        Assert.Equal(1, ledger.PaymentIntents.Count(p => p.Metadata.GetValueOrDefault("stk_checkout_id") == "victim-1"));

        // Its owner still reaches it, however many sales later.
        var own = await till1.CheckoutAsync("victim-1");
        using var refund = await till1.PostAsJsonAsync("/api/checkouts/victim-1/refund", new { amount = 500 });
        Assert.Equal("succeeded", own.Outcome);
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        Assert.Equal(500, app.Emulator.GetLedger().Refunds.Where(r => r.PaymentIntentId == victim.PaymentIntentId).Sum(r => r.Amount));
    }

    [Fact]
    public async Task Two_tills_racing_on_one_new_id_one_wins_and_the_other_learns_nothing()
    {
        await using var app = Shop();
        using var till1 = app.Device();
        using var till2 = app.Device(WebSampleFactory.Till2Token);
        var readers = (await till1.ReadersAsync()).Select(r => r.Id).ToArray();

        for (var round = 0; round < 15; round++)
        {
            var id = "race-" + round.ToString(CultureInfo.InvariantCulture);
            var reader = readers[round % readers.Length];
            var one = till1.PostAsJsonAsync("/api/checkouts", new { checkoutId = id, readerId = reader, amount = 1200 });
            var two = till2.PostAsJsonAsync("/api/checkouts", new { checkoutId = id, readerId = reader, amount = 1200 });
            using var first = await one;
            using var second = await two;

            var winners = new[] { (first, till1), (second, till2) }.Where(x => x.Item1.StatusCode == HttpStatusCode.Accepted).ToList();
            Assert.True(winners.Count == 1, $"round {round}: {(int)first.StatusCode} and {(int)second.StatusCode}");
            var (loserResponse, loser) = first.StatusCode == HttpStatusCode.Accepted ? (second, till2) : (first, till1);
            var winner = winners[0].Item2;
            var paid = await winner.WaitForAsync(id, c => c.Completed);
            var loserBody = await loserResponse.Content.ReadAsStringAsync();
            using var look = await loser.GetAsync($"/api/checkouts/{id}");
            using var refund = await loser.PostAsJsonAsync($"/api/checkouts/{id}/refund", new { });

            Assert.Equal("succeeded", paid.Outcome);
            Assert.Equal(HttpStatusCode.Conflict, loserResponse.StatusCode);
            Assert.Equal("application/problem+json", loserResponse.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("pi_", loserBody, StringComparison.Ordinal);
            Assert.DoesNotContain("4242", loserBody, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, look.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, refund.StatusCode);
            Assert.DoesNotContain(app.Emulator.GetLedger().Refunds, r => r.PaymentIntentId == paid.PaymentIntentId);
        }
    }

    private static (int? Status, string? Title, string? Detail) Problem(string body)
    {
        var problem = System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(body)!;
        return (problem.Status, problem.Title, problem.Detail);
    }

    private static async Task<(HttpStatusCode Status, string? MediaType, string? Title, string? Detail)> SendAsync(HttpClient client, string method, string id, string suffix)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/checkouts/{id}{suffix}");
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { });
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var problem = body.StartsWith('{') ? System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(body) : null;
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, problem?.Title, problem?.Detail);
    }
}
