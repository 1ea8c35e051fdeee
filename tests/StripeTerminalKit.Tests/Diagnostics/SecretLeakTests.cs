using System.Net;
using System.Text.RegularExpressions;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Tests.TestSupport;
using static StripeTerminalKit.Tests.TestSupport.StripeResponses;

namespace StripeTerminalKit.Tests.Diagnostics;

/// <summary>
/// Drives every kind of outcome with logging at Trace, then scans every log line (message, state,
/// exception), every exception and every ToString() — this test's and everything the rest of the
/// suite recorded so far — for an API key or webhook secret.
/// </summary>
public sealed partial class SecretLeakTests
{
    [GeneratedRegex(@"(?:sk|rk)_(?:test|live)_[A-Za-z0-9]{6,}|whsec_[A-Za-z0-9]{6,}|_secret_[A-Za-z0-9]{3,}")]
    private static partial Regex SecretShape();

    [Fact]
    public async Task No_secret_appears_in_logs_exceptions_or_ToString()
    {
        var observed = new List<string>();

        // On the emulator: a whole payment with a decline, a retry after a lost response, reader faults.
        await using (var kit = TestKit.OnEmulator("AU"))
        {
            var location = await kit.Locations.CreateAsync(new CreateLocationRequest("Shop", new TerminalAddress("AU", "1 Collins St", null, "Melbourne", "VIC", "3000")));
            var reader = await kit.Readers.RegisterAsync(new RegisterReaderRequest("simulated-s700") { LocationId = location.Id });
            var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));
            await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);
            kit.Emulator!.Customer.Tap(reader.Id, TestCards.Declined);
            var failed = await kit.Readers.WaitForActionAsync(reader.Id);
            observed.Add(Assert.Throws<CardDeclinedException>(failed!.ThrowIfFailed).ToString());
            using (kit.Emulator.Faults.Add(new FaultRule(FaultKind.ResponseLost) { Operation = EmulatorOperations.PaymentIntentsCreate, MaxTimes = 1 }))
            {
                await kit.Time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(2000)));
            }

            kit.Emulator.Faults.SetReaderOffline(reader.Id);
            observed.Add((await TestKit.ThrowsAsync<ReaderOfflineException>(() => kit.Readers.CancelActionAsync(reader.Id))).ToString());
            observed.Add((await TestKit.ThrowsAsync<TerminalValidationException>(() => kit.Payments.CreateAsync(new CreatePaymentRequest(0)))).ToString());
            observed.AddRange(Scan(kit));
        }

        // On a scripted Stripe that echoes secrets back, as a proxy or a 401 might.
        var handler = new ScriptedHandler()
            .On("POST /v1/payment_intents", Answer(() => Error(HttpStatusCode.Unauthorized, "invalid_request_error", null, $"Invalid API Key provided: {TestSecrets.ApiKey}")))
            .On("GET /v1/payment_intents/pi_1", Answer(() => Error(HttpStatusCode.ServiceUnavailable, "api_error", null, $"upstream said {TestSecrets.WebhookSecret}")))
            .On("POST /v1/refunds", Answer(() => Json(HttpStatusCode.OK, $"<html>Authorization: Bearer {TestSecrets.ApiKey}</html>")));
        await using (var kit = TestKit.OnHandler(handler, configure: o => o.ConnectedAccount = "acct_1Leak"))
        {
            observed.Add((await TestKit.ThrowsAsync<StripeAuthenticationException>(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)))).ToString());
            observed.Add((await kit.Time.RunAdvancingExpectingAsync<StripeUnavailableException>(() => kit.Payments.GetAsync("pi_1"))).Error.ToString());
            observed.Add((await kit.Time.RunAdvancingExpectingAsync<StripeUnavailableException>(() => kit.Payments.RefundAsync(new CreateRefundRequest("pi_1")))).Error.ToString());
            observed.AddRange(Scan(kit));
        }

        observed.Add(new StripeTerminalOptions { ApiKey = TestSecrets.ApiKey, Country = "AU" }.ToString());
        observed.Add(new StripeTerminalOptions { ApiKey = TestSecrets.OtherApiKey, Country = "AU" }.ToString());
        observed.AddRange(SuiteLog.Snapshot());

        Assert.True(observed.Count > 50, $"only {observed.Count} lines scanned");
        var leaks = observed.Where(line =>
            line.Contains(TestSecrets.ApiKey, StringComparison.Ordinal)
            || line.Contains(TestSecrets.OtherApiKey, StringComparison.Ordinal)
            || line.Contains(TestSecrets.WebhookSecret, StringComparison.Ordinal)
            || SecretShape().IsMatch(line)).ToArray();
        Assert.True(leaks.Length == 0, "Secrets leaked:\n" + string.Join("\n---\n", leaks));
    }

    private static IEnumerable<string> Scan(TestKit kit) =>
        kit.Logs.GetSnapshot().SelectMany(record => new[]
        {
            record.Message,
            record.Exception?.ToString() ?? string.Empty,
            string.Join(";", record.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? []),
        });
}
