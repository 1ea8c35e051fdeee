using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// Idempotency keys are compared by parameters, not request bytes, and pruned after 24 hours
/// (docs: api/idempotent_requests); an unknown <c>Stripe-Version</c> is refused with 400
/// (docs: api/versioning). Facts corrections table, rows "Idempotency" and "API versions".
/// Raw HTTP: Stripe.net always writes fields in one order and one version.
/// </summary>
public sealed class IdempotencyParametersAndVersionTests
{
    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(
        HttpClient http, string path, string form, string? key = null, string? version = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded") };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        if (version is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Version", version);
        }

        var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static HttpClient Http(StripeEmulator emulator)
    {
        var http = new HttpClient(emulator.CreateHttpMessageHandler()) { BaseAddress = new Uri(StripeEmulator.DefaultApiBase) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", StripeEmulator.TestApiKey);
        return http;
    }

    private static string Id(string body) => JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;

    [Fact]
    public async Task The_same_fields_in_another_order_or_encoding_replay_the_first_response()
    {
        await using var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = new FakeTimeProvider(Scenario.Start) });
        using var http = Http(emulator);

        var first = await PostAsync(http, "/v1/payment_intents", "amount=1000&currency=aud&allowed_payment_method_types[0]=card_present&metadata[order]=42", key: "k-order");
        var reordered = await PostAsync(http, "/v1/payment_intents", "metadata%5Border%5D=42&currency=aud&allowed_payment_method_types[0]=card_present&amount=1000", key: "k-order");
        var different = await PostAsync(http, "/v1/payment_intents", "amount=1001&currency=aud&allowed_payment_method_types[0]=card_present&metadata[order]=42", key: "k-order");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, reordered.Status);
        Assert.Equal(Id(first.Body), Id(reordered.Body));
        Assert.Equal(["true"], reordered.Response.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.BadRequest, different.Status);
        Assert.Contains("idempotency_error", different.Body, StringComparison.Ordinal);
        Assert.Single(emulator.GetLedger().PaymentIntents);
    }

    [Fact]
    public async Task A_key_is_pruned_24_hours_after_first_use_and_then_makes_a_new_request()
    {
        var time = new FakeTimeProvider(Scenario.Start);
        await using var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = time });
        using var http = Http(emulator);
        const string Form = "amount=1000&currency=aud&allowed_payment_method_types[0]=card_present";

        var first = await PostAsync(http, "/v1/payment_intents", Form, key: "k-day");
        time.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59));
        var stillReplayed = await PostAsync(http, "/v1/payment_intents", Form, key: "k-day");
        time.Advance(TimeSpan.FromMinutes(1));
        var afterADay = await PostAsync(http, "/v1/payment_intents", Form, key: "k-day");
        var replayOfTheNewRequest = await PostAsync(http, "/v1/payment_intents", Form, key: "k-day");

        Assert.Equal(Id(first.Body), Id(stillReplayed.Body));
        Assert.NotEqual(Id(first.Body), Id(afterADay.Body));
        Assert.False(afterADay.Response.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(Id(afterADay.Body), Id(replayOfTheNewRequest.Body));
        Assert.Equal(2, emulator.GetLedger().PaymentIntents.Count);
    }

    [Theory]
    [InlineData("2099-01-01")]
    [InlineData("2026-10-28.zucchini")]
    [InlineData("latest")]
    [InlineData("2026-13-40.endive")]
    public async Task An_unknown_Stripe_Version_is_refused_with_400(string version)
    {
        await using var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = new FakeTimeProvider(Scenario.Start) });
        using var http = Http(emulator);

        var refused = await PostAsync(http, "/v1/payment_intents", "amount=1000&currency=aud", version: version);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        using var doc = JsonDocument.Parse(refused.Body);
        Assert.Equal("invalid_request_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("version", doc.RootElement.GetProperty("error").GetProperty("message").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(emulator.GetLedger().PaymentIntents);
    }

    [Theory]
    [InlineData(StripeEmulator.ApiVersion)]
    [InlineData("2026-09-30.endive")]
    [InlineData("2025-03-31.basil")]
    [InlineData("2023-10-16")]
    public async Task Known_versions_are_accepted(string version)
    {
        await using var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = new FakeTimeProvider(Scenario.Start) });
        using var http = Http(emulator);

        var ok = await PostAsync(http, "/v1/payment_intents", "amount=1000&currency=aud&allowed_payment_method_types[0]=card_present", version: version);

        Assert.Equal(HttpStatusCode.OK, ok.Status);
    }
}
