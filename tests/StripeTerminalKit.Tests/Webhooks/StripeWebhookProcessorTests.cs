using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Tests.Webhooks;

public sealed class StripeWebhookProcessorTests
{
    private const string Secret = "whsec_test_current";
    private const string OldSecret = "whsec_test_previous";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly RecordingHandler _handler = new();

    private IStripeWebhookProcessor CreateProcessor(params string[] secrets)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<ITerminalWebhookHandler>(_handler);
        services.AddStripeTerminalWebhooks(o =>
        {
            foreach (var s in secrets.Length == 0 ? [Secret] : secrets)
            {
                o.SigningSecrets.Add(s);
            }
        });
        return services.BuildServiceProvider().GetRequiredService<IStripeWebhookProcessor>();
    }

    private static string ReaderEvent(string id = "evt_1", string status = "succeeded") =>
        "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"2026-10-28.endive\",\"created\":" + Now.ToUnixTimeSeconds() + ",\"data\":{\"object\":{\"id\":\"tmr_1\",\"object\":\"terminal.reader\",\"action\":{\"type\":\"process_payment_intent\",\"status\":\"" + status + "\",\"failure_code\":null,\"process_payment_intent\":{\"payment_intent\":\"pi_42\"}}}},\"livemode\":false,\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"terminal.reader.action_succeeded\"}";

    private static string Sign(string body, string secret, DateTimeOffset at) =>
        EventUtility.GenerateSignatureHeader(body, secret, at.ToUnixTimeSeconds());

    [Fact]
    public async Task A_delivery_signed_with_the_secret_is_accepted_and_dispatched()
    {
        var processor = CreateProcessor();
        var body = ReaderEvent();

        var result = await processor.ProcessAsync(Encoding.UTF8.GetBytes(body), Sign(body, Secret, Now));

        Assert.True(result.Accepted);
        Assert.False(result.Duplicate);
        var evt = Assert.Single(_handler.Events);
        Assert.Equal("terminal.reader.action_succeeded", evt.Type);
        Assert.Equal("tmr_1", evt.ObjectId);
        Assert.Equal("process_payment_intent", evt.ReaderActionType);
        Assert.Equal("succeeded", evt.ReaderActionStatus);
        Assert.Equal("pi_42", evt.PaymentIntentId);
    }

    [Fact]
    public async Task A_one_byte_change_to_the_body_is_refused()
    {
        var processor = CreateProcessor();
        var body = ReaderEvent();
        var header = Sign(body, Secret, Now);

        var result = await processor.ProcessAsync(Encoding.UTF8.GetBytes(body.Replace("pi_42", "pi_43", StringComparison.Ordinal)), header);

        Assert.Equal(WebhookRejection.SignatureMismatch, result.Rejection);
        Assert.Empty(_handler.Events);
    }

    [Fact]
    public async Task A_delivery_signed_with_another_secret_is_refused()
    {
        var processor = CreateProcessor();
        var body = ReaderEvent();

        var result = await processor.ProcessAsync(Encoding.UTF8.GetBytes(body), Sign(body, "whsec_attacker", Now));

        Assert.Equal(WebhookRejection.SignatureMismatch, result.Rejection);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    public async Task A_timestamp_outside_the_tolerance_is_refused_as_a_replay(int secondsFromNow)
    {
        var processor = CreateProcessor();
        var body = ReaderEvent();

        var result = await processor.ProcessAsync(Encoding.UTF8.GetBytes(body), Sign(body, Secret, Now.AddSeconds(secondsFromNow)));

        Assert.Equal(WebhookRejection.TimestampOutsideTolerance, result.Rejection);
    }

    [Fact]
    public async Task During_rotation_a_delivery_signed_by_either_secret_is_accepted()
    {
        var processor = CreateProcessor(Secret, OldSecret);
        var first = ReaderEvent("evt_a");
        var second = ReaderEvent("evt_b");

        var byOld = await processor.ProcessAsync(Encoding.UTF8.GetBytes(first), Sign(first, OldSecret, Now));
        var byNew = await processor.ProcessAsync(Encoding.UTF8.GetBytes(second), Sign(second, Secret, Now));

        Assert.True(byOld.Accepted);
        Assert.True(byNew.Accepted);
    }

    [Fact]
    public async Task A_header_with_two_signatures_matches_on_either()
    {
        var processor = CreateProcessor();
        var body = ReaderEvent();
        var good = Sign(body, Secret, Now).Split(",v1=")[1];
        var header = $"t={Now.ToUnixTimeSeconds()},v1={new string('0', 64)},v1={good},v0=ignored";

        var result = await processor.ProcessAsync(Encoding.UTF8.GetBytes(body), header);

        Assert.True(result.Accepted);
    }

    [Fact]
    public async Task The_same_event_delivered_twice_is_acknowledged_but_handled_once()
    {
        var processor = CreateProcessor();
        var body = ReaderEvent();
        var bytes = Encoding.UTF8.GetBytes(body);

        var first = await processor.ProcessAsync(bytes, Sign(body, Secret, Now));
        var second = await processor.ProcessAsync(bytes, Sign(body, Secret, Now.AddSeconds(30)));

        Assert.False(first.Duplicate);
        Assert.True(second.Accepted);
        Assert.True(second.Duplicate);
        Assert.Single(_handler.Events);
    }

    [Theory]
    [InlineData(null, WebhookRejection.MissingSignature)]
    [InlineData("", WebhookRejection.MissingSignature)]
    [InlineData("garbage", WebhookRejection.MalformedSignature)]
    [InlineData("t=abc,v1=00", WebhookRejection.MalformedSignature)]
    [InlineData("v1=0000000000000000000000000000000000000000000000000000000000000000", WebhookRejection.MalformedSignature)]
    [InlineData("t=1795000000", WebhookRejection.MalformedSignature)]
    [InlineData("t=1,t=2,v1=0000000000000000000000000000000000000000000000000000000000000000", WebhookRejection.MalformedSignature)]
    public async Task A_missing_or_malformed_header_is_refused(string? header, WebhookRejection expected)
    {
        var processor = CreateProcessor();

        var result = await processor.ProcessAsync(Encoding.UTF8.GetBytes(ReaderEvent()), header);

        Assert.Equal(expected, result.Rejection);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_before_any_hashing()
    {
        var processor = CreateProcessor();
        var body = new byte[600 * 1024];

        var result = await processor.ProcessAsync(body, "t=1,v1=" + new string('a', 64));

        Assert.Equal(WebhookRejection.BodyTooLarge, result.Rejection);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[]")]
    [InlineData("{\"id\":\"evt_1\"}")]
    [InlineData("{\"id\":\"evt_1\",\"type\":\"x\",\"data\":{\"object\":\"string\"}}")]
    public async Task A_signed_body_that_is_not_a_Stripe_event_is_refused(string body)
    {
        var processor = CreateProcessor();

        var result = await processor.ProcessAsync(Encoding.UTF8.GetBytes(body), Sign(body, Secret, Now));

        Assert.Equal(WebhookRejection.MalformedBody, result.Rejection);
        Assert.Empty(_handler.Events);
    }

    [Fact]
    public async Task Every_event_the_emulator_signs_is_accepted()
    {
        await using var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = _time, WebhookSecret = Secret });
        var stripe = emulator.CreateStripeClient();
        var location = await stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions { DisplayName = "Shop", Address = new AddressOptions { Country = "AU", State = "VIC", PostalCode = "3000", City = "Melbourne", Line1 = "1 Collins St" } });
        var reader = await stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-s700", Location = location.Id });
        var pi = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1500, Currency = "aud" });
        await stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = pi.Id });
        await stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(reader.Id);
        using var http = new HttpClient(emulator.CreateHttpMessageHandler()) { BaseAddress = new Uri(StripeEmulator.DefaultApiBase) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", StripeEmulator.TestApiKey);
        using var list = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/events?limit=100"));
        var processor = CreateProcessor();

        foreach (var e in list.RootElement.GetProperty("data").EnumerateArray())
        {
            var json = e.GetRawText();
            var result = await processor.ProcessAsync(Encoding.UTF8.GetBytes(json), Sign(json, Secret, Now));
            Assert.True(result.Accepted, $"{e.GetProperty("type")}: {result.Rejection}");
        }

        Assert.Contains(_handler.Events, x => x.Type == "terminal.reader.action_succeeded" && x.PaymentIntentId == pi.Id && x.ReaderActionStatus == "succeeded");
        Assert.Contains(_handler.Events, x => x.Type == "payment_intent.succeeded" && x.PaymentIntentStatus == "succeeded");
        var captured = Assert.Single(_handler.Events, x => x.Type == "payment_intent.succeeded");
        Assert.Equal(1500, captured.Amount);
        Assert.Equal(0, captured.AmountCapturable);
        Assert.Equal(1500, captured.AmountReceived);
        Assert.StartsWith("ch_", captured.LatestChargeId, StringComparison.Ordinal);
        Assert.Null(_handler.Events.First(x => x.Type == "terminal.reader.action_succeeded").Amount);
    }

    /// <summary>Signs raw bytes the way Stripe does: HMAC-SHA256 of "{t}.{body}".</summary>
    private static string SignBytes(byte[] body, string secret, DateTimeOffset at) =>
        WebhookSignature.Sign(body, secret, at.ToUnixTimeSeconds());

    public static TheoryData<string, byte[]> SignedBodiesWithBadText => new()
    {
        { "invalid UTF-8 inside the event id", Replace(ReaderEvent("evt_XX"), "XX", [0xC3, 0x28]) },
        { "invalid UTF-8 inside the event type", Replace(ReaderEvent().Replace("terminal.reader.action_succeeded", "terminal.reader.XX", StringComparison.Ordinal), "XX", [0xFF, 0xFE]) },
        { "a lone continuation byte in the reader's action status", Replace(ReaderEvent(status: "XX"), "XX", [0x80]) },
        { "an overlong encoding in the PaymentIntent id", Replace(ReaderEvent().Replace("pi_42", "pi_XX", StringComparison.Ordinal), "XX", [0xC0, 0xAF]) },
        { "a truncated sequence in an ignored field", Replace(ReaderEvent().Replace("\"livemode\":false", "\"note\":\"XX\",\"livemode\":false", StringComparison.Ordinal), "XX", [0xE2, 0x82]) },
        { "an encoded surrogate in the object id", Replace(ReaderEvent().Replace("tmr_1", "tmr_XX", StringComparison.Ordinal), "XX", [0xED, 0xA0, 0x80]) },
    };

    private static byte[] Replace(string body, string marker, byte[] bytes)
    {
        var at = body.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0);
        return [.. Encoding.UTF8.GetBytes(body[..at]), .. bytes, .. Encoding.UTF8.GetBytes(body[(at + marker.Length)..])];
    }

    [Theory]
    [MemberData(nameof(SignedBodiesWithBadText))]
    public async Task A_signed_body_that_is_not_valid_UTF8_is_refused_as_malformed_not_thrown(string why, byte[] body)
    {
        var processor = CreateProcessor();

        var result = await processor.ProcessAsync(body, SignBytes(body, Secret, Now));

        Assert.True(WebhookRejection.MalformedBody == result.Rejection, why);
        Assert.Empty(_handler.Events);
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("\\udc00x")]
    [InlineData("\\ud800\\ud800")]
    public async Task A_signed_event_id_with_an_escaped_lone_surrogate_is_refused_as_malformed_not_thrown(string escaped)
    {
        var processor = CreateProcessor();
        var body = ReaderEvent("evt_" + escaped);
        var bytes = Encoding.UTF8.GetBytes(body);

        var result = await processor.ProcessAsync(bytes, SignBytes(bytes, Secret, Now));

        Assert.Equal(WebhookRejection.MalformedBody, result.Rejection);
        Assert.Empty(_handler.Events);
    }

    [Fact]
    public async Task An_escaped_lone_surrogate_in_a_field_the_kit_does_not_read_is_accepted()
    {
        // Valid UTF-8 and valid JSON; the kit never decodes the field, and Body keeps it for handlers.
        var processor = CreateProcessor();
        var body = ReaderEvent().Replace("\"livemode\":false", "\"note\":\"\\ud800\",\"livemode\":false", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(body);

        var result = await processor.ProcessAsync(bytes, SignBytes(bytes, Secret, Now));

        Assert.True(result.Accepted);
        Assert.Single(_handler.Events);
    }

    [Fact]
    public async Task A_replay_inside_the_tolerance_is_a_duplicate_even_after_ten_thousand_other_events()
    {
        var processor = CreateProcessor();
        var body = ReaderEvent("evt_replayed");
        var bytes = Encoding.UTF8.GetBytes(body);
        var header = Sign(body, Secret, Now);
        var first = await processor.ProcessAsync(bytes, header);
        for (var i = 0; i < 10_001; i++)
        {
            var other = Encoding.UTF8.GetBytes(ReaderEvent("evt_other_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.True((await processor.ProcessAsync(other, SignBytes(other, Secret, Now))).Accepted);
        }

        _time.Advance(TimeSpan.FromMinutes(4));
        var replay = await processor.ProcessAsync(bytes, header);

        Assert.False(first.Duplicate);
        Assert.True(replay.Accepted);
        Assert.True(replay.Duplicate);
        Assert.Equal(1, _handler.Events.Count(e => e.Id == "evt_replayed"));
    }

    [Fact]
    public async Task A_delivery_signed_ahead_of_the_clock_is_still_a_duplicate_when_replayed_at_the_far_end_of_the_tolerance()
    {
        // Signed 5 minutes ahead of our clock, first accepted now, replayable until 10 minutes from now.
        var processor = CreateProcessor();
        var body = ReaderEvent("evt_ahead");
        var bytes = Encoding.UTF8.GetBytes(body);
        var header = Sign(body, Secret, Now.AddMinutes(5));
        var first = await processor.ProcessAsync(bytes, header);

        _time.Advance(TimeSpan.FromMinutes(10));
        var replay = await processor.ProcessAsync(bytes, header);

        Assert.True(first.Accepted);
        Assert.True(replay.Accepted);
        Assert.True(replay.Duplicate);
        Assert.Single(_handler.Events);
    }

    [Fact]
    public async Task An_id_is_forgotten_once_no_signed_replay_of_it_can_be_accepted_any_more()
    {
        var processor = CreateProcessor();
        var body = ReaderEvent("evt_old");
        var bytes = Encoding.UTF8.GetBytes(body);
        await processor.ProcessAsync(bytes, Sign(body, Secret, Now));

        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var oldReplay = await processor.ProcessAsync(bytes, Sign(body, Secret, Now));
        var redelivery = await processor.ProcessAsync(bytes, Sign(body, Secret, _time.GetUtcNow()));

        Assert.Equal(WebhookRejection.TimestampOutsideTolerance, oldReplay.Rejection);
        Assert.True(redelivery.Accepted);
        Assert.False(redelivery.Duplicate);
        Assert.Equal(2, _handler.Events.Count);
    }

    [Fact]
    public async Task Past_the_capacity_the_oldest_id_is_forgotten_first()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<ITerminalWebhookHandler>(_handler);
        services.AddStripeTerminalWebhooks(o =>
        {
            o.SigningSecrets.Add(Secret);
            o.DeduplicationCapacity = 16;
        });
        var processor = services.BuildServiceProvider().GetRequiredService<IStripeWebhookProcessor>();
        var bodies = Enumerable.Range(0, 17).Select(i => Encoding.UTF8.GetBytes(ReaderEvent("evt_cap_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();
        foreach (var body in bodies)
        {
            await processor.ProcessAsync(body, SignBytes(body, Secret, Now));
        }

        var newest = await processor.ProcessAsync(bodies[16], SignBytes(bodies[16], Secret, Now));
        var oldest = await processor.ProcessAsync(bodies[0], SignBytes(bodies[0], Secret, Now));

        Assert.True(newest.Duplicate);
        Assert.False(oldest.Duplicate);
    }

    [Fact]
    public async Task An_event_whose_handler_failed_is_handled_again_when_Stripe_retries_it()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        var flaky = new FlakyHandler();
        services.AddSingleton<ITerminalWebhookHandler>(flaky);
        services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(Secret));
        var processor = services.BuildServiceProvider().GetRequiredService<IStripeWebhookProcessor>();
        var body = ReaderEvent("evt_retry");
        var bytes = Encoding.UTF8.GetBytes(body);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await processor.ProcessAsync(bytes, Sign(body, Secret, Now)));
        var retry = await processor.ProcessAsync(bytes, Sign(body, Secret, Now.AddMinutes(1)));

        Assert.True(retry.Accepted);
        Assert.False(retry.Duplicate);
        Assert.Equal(2, flaky.Calls);
    }

    [Fact]
    public void The_options_never_print_their_secrets()
    {
        var options = new StripeWebhookOptions();
        options.SigningSecrets.Add(Secret);

        Assert.DoesNotContain(Secret, options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_parser_survives_hostile_input()
    {
        var random = new Random(20261124);
        const string alphabet = "tv01=,abcdef9 -\u00e9\0";
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[random.Next(0, 160)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var header = new string(chars);
            var rejection = WebhookSignature.Verify("{}"u8, header, [Encoding.UTF8.GetBytes(Secret)], Now, TimeSpan.FromMinutes(5));
            Assert.NotNull(rejection);
        }
    }

    private sealed class FlakyHandler : ITerminalWebhookHandler
    {
        public int Calls { get; private set; }

        public ValueTask HandleAsync(TerminalWebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            Calls++;
            return Calls == 1 ? ValueTask.FromException(new InvalidOperationException("the database was down")) : ValueTask.CompletedTask;
        }
    }

    private sealed class RecordingHandler : ITerminalWebhookHandler
    {
        public List<TerminalWebhookEvent> Events { get; } = [];

        public ValueTask HandleAsync(TerminalWebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            Events.Add(webhookEvent);
            return ValueTask.CompletedTask;
        }
    }
}
