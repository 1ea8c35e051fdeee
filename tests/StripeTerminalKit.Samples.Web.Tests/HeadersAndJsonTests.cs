using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>Issue 12, finding 10: response headers, OpenAPI only in Development, 404s as ProblemDetails, strict JSON.</summary>
public sealed class HeadersAndJsonTests(WebSampleFactory app) : IClassFixture<WebSampleFactory>
{
    [Theory]
    [InlineData("/", null)]
    [InlineData("/app.js", null)]
    [InlineData("/health", null)]
    [InlineData("/api/session", WebSampleFactory.Till1Token)]
    [InlineData("/api/session", null)]
    [InlineData("/api/checkouts/never-was", WebSampleFactory.Till1Token)]
    [InlineData("/no-such-page", null)]
    public async Task Every_answer_carries_the_security_headers(string path, string? token)
    {
        using var client = app.Device(token);

        using var response = await client.GetAsync(path);

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/checkouts/never-was", WebSampleFactory.Till1Token)]
    [InlineData("/api/no-such-endpoint", WebSampleFactory.Till1Token)]
    [InlineData("/no-such-page", null)]
    [InlineData("/openapi/v1.json", null)]
    public async Task Every_404_is_a_problem(string path, string? token)
    {
        using var client = app.Device(token);

        using var response = await client.GetAsync(path);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, problem!.Status);
    }

    [Fact]
    public async Task The_OpenAPI_document_is_served_in_Development_only_and_declares_the_device_token()
    {
        await using var development = new WebSampleFactory(new Dictionary<string, string?>(), environment: "Development");
        using var anonymous = development.Device(token: null);
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        spoofed.Headers.Host = "evil.example";

        using var response = await anonymous.SendAsync(spoofed);
        var text = await response.Content.ReadAsStringAsync();
        var document = JsonDocument.Parse(text).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("/api/checkouts", paths);
        Assert.Contains("/api/checkouts/{checkoutId}/refund", paths);
        Assert.DoesNotContain("/stripe/webhooks", paths);
        Assert.DoesNotContain("evil.example", text, StringComparison.Ordinal);
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("DeviceToken", out _), "no security scheme");
    }

    public static TheoryData<string, string> LooseJson() => new()
    {
        { "amount as a string", """{"checkoutId":"json-1","readerId":"READER","amount":"1750"}""" },
        { "duplicate key", """{"checkoutId":"json-2","readerId":"READER","amount":1,"amount":1750}""" },
        { "PascalCase names", """{"CheckoutId":"json-3","ReaderId":"READER","Amount":1750}""" },
        { "unknown member", """{"checkoutId":"json-4","readerId":"READER","amount":1750,"amonut":1}""" },
        { "number as a string in a line", """{"checkoutId":"json-5","readerId":"READER","amount":550,"lines":[{"description":"Latte","unitAmount":"550"}]}""" },
    };

    [Theory]
    [MemberData(nameof(LooseJson))]
    public async Task Loose_json_is_refused_with_400_before_any_call(string what, string json)
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Coffee window");
        var calls = app.Emulator.RequestLog.Count(r => r.Operation.StartsWith("payment_intents", StringComparison.Ordinal));

        using var response = await till.PostAsync("/api/checkouts", new StringContent(json.Replace("READER", reader, StringComparison.Ordinal), Encoding.UTF8, "application/json"));
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checkoutId").GetString();
            (await till.PostAsync($"/api/checkouts/{id}/cancel", null)).Dispose();
            await till.WaitForAsync(id!, c => c.Completed);
        }

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(calls, app.Emulator.RequestLog.Count(r => r.Operation.StartsWith("payment_intents", StringComparison.Ordinal)));
    }
}
