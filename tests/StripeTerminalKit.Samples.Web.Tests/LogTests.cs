using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>Issue 12, finding 7: strangers cannot flood the log, and untrusted text is escaped in it.</summary>
public sealed class LogTests
{
    private static readonly string[] Raw = ["\u2028", "\u2029", "\u202E", "\u202D", "\u2066", "\u200B", "\r", "\n", "\u001b"];

    [Fact]
    public async Task Unauthenticated_requests_write_no_information_entries()
    {
        await using var app = new WebSampleFactory(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" });
        using var anonymous = app.Device(token: null);
        using var stranger = app.Device("not-a-device-token-0123456789");
        using var malformed = app.Device(token: null);
        malformed.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic Zm9vOmJhcg==");
        using var till = app.Device();
        var reader = await till.ReaderAsync("Coffee window");

        // With a reader offline, /health is degraded: still nothing per request.
        (await till.PostAsync($"/api/emulator/readers/{reader}/offline", null)).Dispose();
        await till.ReadersAsync();
        var before = app.Logs.Entries.Count;

        foreach (var client in new[] { anonymous, stranger, malformed })
        {
            for (var i = 0; i < 5; i++)
            {
                (await client.GetAsync("/api/readers")).Dispose();
                (await client.PostAsJsonAsync("/api/checkouts", new { amount = 100 })).Dispose();
                (await client.GetAsync("/api/checkouts/x")).Dispose();
                (await client.GetAsync("/health")).Dispose();
                (await client.GetAsync("/no-such-page")).Dispose();
            }
        }

        var degraded = await anonymous.GetStringAsync("/health");
        var noisy = app.Logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Information).Select(e => $"{e.Level} {e.Category}: {e.Message}").ToList();
        Assert.Contains("degraded", degraded, StringComparison.Ordinal);
        Assert.True(noisy.Count == 0, string.Join(Environment.NewLine, noisy.Take(5)));
    }

    [Fact]
    public async Task Reader_labels_are_escaped_in_log_values()
    {
        await using var app = new WebSampleFactory(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Shop:SimulatedReaders:2:RegistrationCode"] = "simulated-s700",
            ["Shop:SimulatedReaders:2:Label"] = "Lane\u2028\u202Eevil\r\nFAKE ENTRY\u001b[31m\u2066x\u200B",
        });
        _ = app.BaseAddress;

        var entries = app.Logs.Entries.Where(e => e.Category.StartsWith("StripeTerminalKit.Samples.Web", StringComparison.Ordinal)).ToList();
        var registered = entries.Where(e => e.Message.Contains("Lane", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(registered);
        Assert.All(entries, e => Assert.DoesNotContain(Raw, r => e.Message.Contains(r, StringComparison.Ordinal) || e.Values.Any(v => v.Contains(r, StringComparison.Ordinal))));
        Assert.Contains(registered, e => e.Message.Contains("\\u2028", StringComparison.Ordinal));
    }
}
