using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>Issue 12, finding 5: bodies, cart lines, operations per sale and starts per device per minute are bounded.</summary>
public sealed class LimitsTests(WebSampleFactory app) : IClassFixture<WebSampleFactory>
{
    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal((int)status, problem!.Status);
    }

    [Fact]
    public async Task A_body_over_64_KB_is_refused_with_413_with_or_without_a_content_length()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Front counter");
        var json = $$"""{"readerId":"{{reader}}","amount":1000,"description":"{{new string('x', 70_000)}}"}""";

        using var sized = await till.PostAsync("/api/checkouts", new StringContent(json, Encoding.UTF8, "application/json"));
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/api/checkouts") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using var chunked = await till.SendAsync(chunkedRequest);

        await AssertProblemAsync(sized, HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(chunked, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task More_cart_lines_than_allowed_are_refused_with_413()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Front counter");
        var lines = Enumerable.Range(0, 101).Select(i => new { description = "Item", unitAmount = 1, quantity = 1 }).ToArray();

        using var response = await till.PostAsJsonAsync("/api/checkouts", new { readerId = reader, amount = 101, lines });

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_device_starting_too_many_checkouts_a_minute_gets_429_and_the_other_device_does_not()
    {
        await using var limited = new WebSampleFactory(new Dictionary<string, string?> { ["Limits:CheckoutsPerDevicePerMinute"] = "3" });
        using var till1 = limited.Device();
        using var till2 = limited.Device(WebSampleFactory.Till2Token);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var refused = await till1.PostAsJsonAsync("/api/checkouts", new { readerId = "tmr_nope", amount = 100 });
            answers.Add(refused.StatusCode);
        }

        using var limitedAnswer = await till1.PostAsJsonAsync("/api/checkouts", new { readerId = "tmr_nope", amount = 100 });
        using var otherDevice = await till2.PostAsJsonAsync("/api/checkouts", new { readerId = "tmr_nope", amount = 100 });

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a));
        await AssertProblemAsync(limitedAnswer, HttpStatusCode.TooManyRequests);
        Assert.True(limitedAnswer.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        Assert.Equal(HttpStatusCode.BadRequest, otherDevice.StatusCode);
    }

    [Fact]
    public async Task A_sale_takes_a_bounded_number_of_operations_then_429()
    {
        await using var limited = new WebSampleFactory(new Dictionary<string, string?> { ["Limits:OperationsPerSale"] = "5" });
        limited.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa));
        using var till = limited.Device();
        var reader = await till.ReaderAsync("Front counter");
        await till.StartAsync(new { checkoutId = "ops-1", readerId = reader, amount = 1000, captureMode = "manual" });
        await till.WaitForAsync("ops-1", c => c.Completed);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            // Refunding an authorisation that is not captured is refused each time.
            using var response = await till.PostAsJsonAsync("/api/checkouts/ops-1/refund", new { });
            answers.Add(response.StatusCode);
        }

        using var sixth = await till.PostAsJsonAsync("/api/checkouts/ops-1/refund", new { });
        var view = await till.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/checkouts/ops-1");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Conflict, a));
        await AssertProblemAsync(sixth, HttpStatusCode.TooManyRequests);
        Assert.True(view.GetProperty("operations").GetArrayLength() <= 5);
    }

    [Fact]
    public void The_sales_journal_is_bounded_overall_not_only_per_device()
    {
        var journal = new StripeTerminalKit.Samples.Web.Sales.SalesJournal();
        for (var device = 0; device < 40; device++)
        {
            for (var sale = 0; sale < 200; sale++)
            {
                journal.Add(new StripeTerminalKit.Samples.Web.Sales.Sale
                {
                    CheckoutId = $"d{device}-s{sale}",
                    DeviceId = $"till-{device}",
                    ReaderId = "tmr_1",
                    Amount = 100,
                    Currency = "aud",
                    Lines = [],
                    CreatedAt = DateTimeOffset.UnixEpoch.AddSeconds(device * 1000 + sale),
                });
            }
        }

        var kept = Enumerable.Range(0, 40).Sum(d => journal.Recent($"till-{d}", 1000).Count);
        Assert.True(kept <= 5_000, $"{kept} sales kept");
        Assert.True(journal.Recent("till-39", 1000).Count > 0);
        Assert.True(journal.Recent("till-0", 1000).Count > 0);
    }
}
