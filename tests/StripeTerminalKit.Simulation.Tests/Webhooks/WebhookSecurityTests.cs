using System.Globalization;
using System.Text;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using StripeTerminalKit.Webhooks;
using Xunit.Abstractions;

namespace StripeTerminalKit.Simulation.Tests.Webhooks;

/// <summary>
/// The webhook endpoint's defences, each delivery through the kit's processor as the ASP.NET Core
/// endpoint calls it: what must be refused is refused with the right reason and reaches no
/// handler; what must pass (rotation) passes. Then the <c>Stripe-Signature</c> parser is fuzzed
/// with a million generated headers (<c>STK_WEBHOOK_FUZZ</c> sets how many).
/// </summary>
public sealed class WebhookSecurityTests(ITestOutputHelper output)
{
    private const string Secret = "whsec_sim_current";
    private const string PreviousSecret = "whsec_sim_previous";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly List<TerminalWebhookEvent> _handled = [];

    private IStripeWebhookProcessor Processor(params string[] secrets)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<ITerminalWebhookHandler>(new Recorder(_handled));
        services.AddStripeTerminalWebhooks(o =>
        {
            foreach (var secret in secrets)
            {
                o.SigningSecrets.Add(secret);
            }

            o.Tolerance = Tolerance;
            o.MaxBodyBytes = 64 * 1024;
        });
        return services.BuildServiceProvider().GetRequiredService<IStripeWebhookProcessor>();
    }

    private static string Event(string id = "evt_sec_1") =>
        "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"2026-10-28.endive\",\"created\":" + Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
        + ",\"data\":{\"object\":{\"id\":\"pi_sec\",\"object\":\"payment_intent\",\"amount\":1000,\"amount_capturable\":1000,\"amount_received\":0,\"status\":\"requires_capture\"}},"
        + "\"livemode\":false,\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"payment_intent.amount_capturable_updated\"}";

    private static string Sign(string body, string secret, DateTimeOffset at) => EventUtility.GenerateSignatureHeader(body, secret, at.ToUnixTimeSeconds());

    public static TheoryData<string, WebhookRejection?> Deliveries => new()
    {
        { "signed with the secret", null },
        { "signed with the previous secret during rotation", null },
        { "header carrying both secrets' signatures", null },
        { "no Stripe-Signature header", WebhookRejection.MissingSignature },
        { "header without a timestamp", WebhookRejection.MalformedSignature },
        { "header without a v1 signature", WebhookRejection.MalformedSignature },
        { "signature that is not hex", WebhookRejection.MalformedSignature },
        { "only a v0 signature", WebhookRejection.MalformedSignature },
        { "signed with a wrong secret", WebhookRejection.SignatureMismatch },
        { "secret rotated out", WebhookRejection.SignatureMismatch },
        { "one byte of the body changed", WebhookRejection.SignatureMismatch },
        { "signature of another timestamp", WebhookRejection.SignatureMismatch },
        { "timestamp 6 minutes old", WebhookRejection.TimestampOutsideTolerance },
        { "timestamp 6 minutes ahead", WebhookRejection.TimestampOutsideTolerance },
        { "replay of a day-old event", WebhookRejection.TimestampOutsideTolerance },
        { "oversized body", WebhookRejection.BodyTooLarge },
        { "signed body that is not JSON", WebhookRejection.MalformedBody },
        { "signed JSON that is not an event", WebhookRejection.MalformedBody },
    };

    [Theory]
    [MemberData(nameof(Deliveries))]
    public async Task Each_delivery_is_refused_or_accepted_as_it_should_be(string delivery, WebhookRejection? expected)
    {
        var body = Event();
        var secrets = delivery switch
        {
            "signed with the previous secret during rotation" or "header carrying both secrets' signatures" => new[] { Secret, PreviousSecret },
            _ => [Secret],
        };
        string? header = Sign(body, Secret, Now);
        switch (delivery)
        {
            case "signed with the previous secret during rotation":
            case "secret rotated out":
                header = Sign(body, PreviousSecret, Now);
                break;
            case "header carrying both secrets' signatures":
                header = Sign(body, PreviousSecret, Now) + "," + Sign(body, Secret, Now).Split(',')[1];
                break;
            case "no Stripe-Signature header":
                header = null;
                break;
            case "header without a timestamp":
                header = header.Split(',')[1];
                break;
            case "header without a v1 signature":
                header = header.Split(',')[0];
                break;
            case "signature that is not hex":
                header = header[..^4] + "zzzz";
                break;
            case "only a v0 signature":
                header = header.Replace("v1=", "v0=", StringComparison.Ordinal);
                break;
            case "signed with a wrong secret":
                header = Sign(body, "whsec_someone_else", Now);
                break;
            case "one byte of the body changed":
                body = body.Replace("\"amount\":1000", "\"amount\":9000", StringComparison.Ordinal);
                break;
            case "signature of another timestamp":
                header = "t=" + (Now.ToUnixTimeSeconds() - 1).ToString(CultureInfo.InvariantCulture) + "," + header.Split(',')[1];
                break;
            case "timestamp 6 minutes old":
                header = Sign(body, Secret, Now - TimeSpan.FromMinutes(6));
                break;
            case "timestamp 6 minutes ahead":
                header = Sign(body, Secret, Now + TimeSpan.FromMinutes(6));
                break;
            case "replay of a day-old event":
                header = Sign(body, Secret, Now - TimeSpan.FromDays(1));
                break;
            case "oversized body":
                body = Event() + new string(' ', 64 * 1024);
                header = Sign(body, Secret, Now);
                break;
            case "signed body that is not JSON":
                body = "<html>502 Bad Gateway</html>";
                header = Sign(body, Secret, Now);
                break;
            case "signed JSON that is not an event":
                body = "{\"hello\":\"world\"}";
                header = Sign(body, Secret, Now);
                break;
        }

        var result = await Processor(secrets).ProcessAsync(Encoding.UTF8.GetBytes(body), header);

        Assert.Equal(expected, result.Rejection);
        Assert.Equal(expected is null ? 1 : 0, _handled.Count);
    }

    [Fact]
    public void An_endpoint_without_a_signing_secret_does_not_start()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => Processor());

        Assert.Contains("SigningSecrets", error.Message, StringComparison.Ordinal);
        Assert.Empty(_handled);
    }

    [Fact]
    public async Task Changing_any_one_byte_of_a_signed_body_is_refused()
    {
        var processor = Processor(Secret);
        var body = Encoding.UTF8.GetBytes(Event());
        var header = Sign(Event(), Secret, Now);
        var checkedBytes = 0;

        await Gen.Select(Gen.Int[0, body.Length - 1], Gen.Byte[1, 255]).SampleAsync(
            async (position, flip) =>
            {
                var changed = (byte[])body.Clone();
                changed[position] ^= flip;
                var result = await processor.ProcessAsync(changed, header);
                Assert.False(result.Accepted, $"byte {position} xor {flip} was accepted");
                Interlocked.Increment(ref checkedBytes);
            },
            seed: "0N0XIzNsQ0O2",
            iter: 20_000,
            threads: 1);

        Assert.Equal(20_000, checkedBytes);
        Assert.Empty(_handled);
    }

    /// <summary>
    /// A million headers: random text over the header's own alphabet, real headers mutated (bytes
    /// flipped, parts cut, repeated, reordered, padded, numbers pushed to their limits, other
    /// schemes, non-ASCII, control characters) and random bytes. The parser never throws, and no
    /// header is accepted unless it carries the true signature of the true timestamp.
    /// </summary>
    [Fact]
    public void The_signature_header_parser_survives_a_million_generated_headers()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("STK_WEBHOOK_FUZZ"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 1_000_000;
        var body = Encoding.UTF8.GetBytes(Event());
        var valid = Sign(Event(), Secret, Now);
        var validSignature = valid.Split(',')[1][3..];
        var timestampValue = Now.ToUnixTimeSeconds();
        byte[][] secrets = [Encoding.UTF8.GetBytes(Secret)];
        long accepted = 0, total = 0;
        var reasons = new long[Enum.GetValues<WebhookRejection>().Length];

        Headers(valid).Sample(
            header =>
            {
                var rejection = WebhookSignature.Verify(body, header, secrets, Now, Tolerance);
                total++;
                if (rejection is null)
                {
                    // Accepted only when the true signature and the true timestamp are both in it
                    // (hex in either case and a timestamp with leading zeros are the same values).
                    var parts = header!.Split(',').Select(p => p.Trim()).ToArray();
                    Assert.Contains(parts, p => p.StartsWith("v1=", StringComparison.Ordinal) && string.Equals(p[3..], validSignature, StringComparison.OrdinalIgnoreCase));
                    Assert.Contains(parts, p => p.StartsWith("t=", StringComparison.Ordinal) && long.TryParse(p[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t == timestampValue);
                    accepted++;
                }
                else
                {
                    reasons[(int)rejection]++;
                }
            },
            seed: "0N0XIzNsQ0O2",
            iter: iterations,
            threads: 1,
            print: header => header is null ? "null" : "\"" + header.Replace("\0", "\\0", StringComparison.Ordinal) + "\"");

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"header fuzz: {total:N0} generated headers, no exception; {accepted:N0} accepted (each carrying the true signature and timestamp); refused: {string.Join(", ", Enum.GetValues<WebhookRejection>().Where(r => reasons[(int)r] > 0).Select(r => $"{r} {reasons[(int)r]:N0}"))}"));
        Assert.Equal(iterations, total);
        Assert.True(accepted > 0 && accepted < total / 2, "the generator should produce a few headers that still carry the valid signature");
    }

    /// <summary>
    /// Whoever holds the secret (or a Stripe bug) can sign anything: correctly signed bodies made
    /// from a real event with bytes changed, inserted (invalid UTF-8 sequences, escaped lone
    /// surrogates, quotes, braces) or cut. None makes the processor throw (the endpoint's 500);
    /// each is accepted or refused as <see cref="WebhookRejection.MalformedBody"/>, and nothing
    /// that is not UTF-8 is accepted.
    /// </summary>
    [Fact]
    public async Task No_correctly_signed_body_makes_the_processor_throw()
    {
        var processor = Processor(Secret);
        var valid = Encoding.UTF8.GetBytes(Event());
        long accepted = 0, refused = 0;
        byte[][] fragments =
        [
            [0xC3, 0x28], [0x80], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80],
            "\\ud800"u8.ToArray(), "\\udfff\\ud800"u8.ToArray(), "\\u0000"u8.ToArray(), "\""u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), [0],
        ];
        var body = Gen.Select(Gen.Int[0, 3], Gen.Int[0, valid.Length - 1], Gen.Int[0, fragments.Length - 1], Gen.Byte, (kind, at, fragment, value) => kind switch
        {
            0 => [.. valid[..at], .. fragments[fragment], .. valid[at..]],
            1 => [.. valid[..at], .. fragments[fragment], .. valid[(at + 1)..]],
            2 => [.. valid[..at], value, .. valid[(at + 1)..]],
            _ => valid[..at],
        });

        await body.SampleAsync(
            async bytes =>
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                var header = WebhookSignature.Sign(bytes, Secret, _time.GetUtcNow().ToUnixTimeSeconds());
                var result = await processor.ProcessAsync(bytes, header);
                Assert.True(result.Accepted || result.Rejection == WebhookRejection.MalformedBody, $"{result.Rejection}");
                Assert.True(!result.Accepted || System.Text.Unicode.Utf8.IsValid(bytes), "a body that is not UTF-8 was accepted");
                if (result.Accepted)
                {
                    accepted++;
                }
                else
                {
                    refused++;
                }
            },
            seed: "0N0XIzNsQ0O2",
            iter: 20_000,
            threads: 1,
            print: bytes => Convert.ToHexString(bytes));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"signed body fuzz: {accepted:N0} accepted, {refused:N0} refused as malformed, no exception"));
        Assert.True(accepted > 0 && refused > 0);
    }

    private static Gen<string?> Headers(string valid)
    {
        const string alphabet = "tv01=,abcdef9 -\t\u00e9\0x";
        var alphabetChar = Gen.Int[0, alphabet.Length - 1].Select(i => alphabet[i]);
        var randomOverAlphabet = Gen.String[alphabetChar, 0, 200].Select(s => (string?)s);
        var randomText = Gen.String[Gen.Char, 0, 300].Select(s => (string?)s);
        var number = Gen.OneOf(
            Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
            Gen.Const("99999999999999999999999"),
            Gen.Const("-1"),
            Gen.Const("0"),
            Gen.Const("+1795500000"),
            Gen.Const("1795500000.0"),
            Gen.Const(""));
        var hex = Gen.String[Gen.Int[0, 15].Select(i => "0123456789abcdefABCDEF"[i]), 0, 70];
        var part = Gen.OneOf(
            number.Select(t => "t=" + t),
            hex.Select(h => "v1=" + h),
            hex.Select(h => "v0=" + h),
            Gen.Const(valid.Split(',')[0]),
            Gen.Const(valid.Split(',')[1]),
            Gen.String[Gen.Char, 0, 20]);
        var assembled = Gen.Select(part.Array[0, 12], Gen.OneOf(Gen.Const(","), Gen.Const(", "), Gen.Const(";"), Gen.Const(",,")), (parts, separator) => (string?)string.Join(separator, parts));
        var mutated = Gen.Select(Gen.Int[0, 6], Gen.Int[0, valid.Length - 1], Gen.Int[0, 0xFFFF], Gen.Int[1, 40], (kind, at, value, count) => (string?)(kind switch
        {
            0 => valid[..at] + (char)value + valid[(at + 1)..],
            1 => valid[..at],
            2 => valid[at..],
            3 => string.Concat(Enumerable.Repeat(valid + ",", count)),
            4 => valid.Insert(at, new string(' ', count)),
            5 => valid + "," + new string('v', count) + "=" + new string('0', 64),
            _ => valid.Replace("t=", "t=" + new string('9', count), StringComparison.Ordinal),
        }));
        var huge = Gen.Int[4000, 10_000].Select(length => (string?)("t=1," + new string('v', length)));
        return Gen.Frequency(
            (30, randomOverAlphabet),
            (15, randomText),
            (30, assembled),
            (20, mutated),
            (3, huge),
            (2, Gen.Int[0, 2].Select(i => i switch { 0 => null, 1 => "", _ => (string?)valid })));
    }

    private sealed class Recorder(List<TerminalWebhookEvent> handled) : ITerminalWebhookHandler
    {
        public ValueTask HandleAsync(TerminalWebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            lock (handled)
            {
                handled.Add(webhookEvent);
            }

            return ValueTask.CompletedTask;
        }
    }
}
