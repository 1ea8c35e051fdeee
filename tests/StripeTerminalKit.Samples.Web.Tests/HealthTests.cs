using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>Issue 12, finding 2: <c>/health</c> costs Stripe nothing per request and tells strangers only a status.</summary>
public sealed class HealthTests(WebSampleFactory app) : IClassFixture<WebSampleFactory>
{
    private int Requests(string operation) => app.Emulator.RequestLog.Count(r => r.Operation == operation);

    [Fact]
    public async Task Anonymous_health_answers_only_the_status_and_costs_no_stripe_call_per_request()
    {
        using var anonymous = app.Device(token: null);
        using var stranger = app.Device("not-a-device-token-0123456789");
        await anonymous.GetAsync("/health");
        var before = Requests(EmulatorOperations.ReadersList);

        var bodies = new List<JsonElement>();
        for (var i = 0; i < 40; i++)
        {
            bodies.Add(await (i % 2 == 0 ? anonymous : stranger).GetFromJsonAsync<JsonElement>("/health"));
        }

        // A background refresh may tick once meanwhile; forty requests must not mean forty lists.
        Assert.True(Requests(EmulatorOperations.ReadersList) - before <= 1, $"{Requests(EmulatorOperations.ReadersList) - before} reader lists for 40 health requests");
        Assert.All(bodies, b => Assert.Equal(["status"], b.EnumerateObject().Select(p => p.Name)));
        Assert.All(bodies, b => Assert.Equal("healthy", b.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_device_sees_the_readers_in_the_health_report()
    {
        using var till = app.Device();

        var health = await till.GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal("emulator", health.GetProperty("mode").GetString());
        Assert.Equal(2, health.GetProperty("readers").GetArrayLength());
        Assert.Contains("2 of 2", health.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_reader_ids_are_refused_from_memory_without_asking_stripe()
    {
        using var till = app.Device();
        var before = Requests(EmulatorOperations.ReadersGet);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await till.PostAsJsonAsync("/api/checkouts", new { readerId = $"tmr_Unknown{i}", amount = 1000 });
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.BadRequest, s));
        Assert.Equal(before, Requests(EmulatorOperations.ReadersGet));
    }
}
