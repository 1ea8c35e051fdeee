using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>Issue 12, finding 3: every id the kit accepts is routed; every other id is refused with 400 before any call.</summary>
public sealed class CheckoutIdTests(WebSampleFactory app) : IClassFixture<WebSampleFactory>
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";

    public static TheoryData<string> Refused() => new()
    {
        "a/b", "../../health", ".", "..", ".hidden", "-lead", "_lead", "<script>alert(1)</script>", "café", "a\u200Bb", "a\u202Eb", "a\u2028b",
        "a b", "a%2Fb", "a?b", "a#b", "a\\b", "a\u0000b", new string('a', 201),
    };

    /// <summary>Ids drawn from the alphabet (seeded), with the shapes that trip routers: dots, a dot at the end, file-like names, the longest.</summary>
    private static IEnumerable<string> Generated()
    {
        yield return "a";
        yield return "A.b";
        yield return "x..y";
        yield return "order.";
        yield return "receipt.html";
        yield return "7-_.-_.";
        var random = new Random(12);
        foreach (var length in new[] { 2, 17, 64, 200 })
        {
            var chars = new char[length];
            chars[0] = Alphabet[random.Next(62)];
            for (var i = 1; i < length; i++)
            {
                chars[i] = Alphabet[random.Next(Alphabet.Length)];
            }

            yield return new string(chars);
        }
    }

    [Fact]
    public async Task Every_id_in_the_alphabet_works_on_every_endpoint()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Front counter");
        foreach (var id in Generated())
        {
            var started = await till.StartAsync(new { checkoutId = id, readerId = reader, amount = 1200 });
            var shown = await till.CheckoutAsync(id);
            await till.WaitForAsync(id, c => c.State == "waiting_for_customer");
            using var cancel = await till.PostAsync($"/api/checkouts/{id}/cancel", null);
            var done = await till.WaitForAsync(id, c => c.Completed);

            Assert.Equal(id, started.CheckoutId);
            Assert.Equal(id, shown.CheckoutId);
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
            Assert.Equal("canceled", done.State);
        }
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task An_id_outside_the_alphabet_is_refused_with_400_before_any_call(string id)
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Coffee window");
        var calls = app.Emulator.RequestLog.Count;

        using var start = await till.PostAsJsonAsync("/api/checkouts", new { checkoutId = id, readerId = reader, amount = 1200 });
        var errors = (await start.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors;

        Assert.Equal(HttpStatusCode.BadRequest, start.StatusCode);
        Assert.Equal("application/problem+json", start.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["checkoutId"], errors.Keys);
        Assert.Equal(calls, app.Emulator.RequestLog.Count);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("café")]
    [InlineData("a\u200Bb")]
    [InlineData("a\u202Eb")]
    [InlineData("a\u2028b")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("-lead")]
    public async Task An_id_outside_the_alphabet_in_a_path_is_refused_with_400(string id)
    {
        using var till = app.Device();
        var escaped = Uri.EscapeDataString(id);

        foreach (var (method, suffix) in new[] { ("GET", ""), ("GET", "/events"), ("POST", "/cancel"), ("POST", "/retry"), ("POST", "/capture"), ("POST", "/refund") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/checkouts/{escaped}{suffix}");
            using var response = await till.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {suffix}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
