using System.Security.Cryptography;
using System.Text;

namespace StripeTerminalKit.Emulator;

/// <summary>
/// The active signing secrets, immutable so that a signer reads a consistent pair without a lock.
/// Signs as Stripe does: <c>v1 = hex(HMAC-SHA256(key: UTF-8 of the whole whsec_ string,
/// message: "t.payload"))</c>, and, since every emulator event is a test-mode event, a <c>v0</c>
/// as well.
/// </summary>
internal sealed class WebhookSigningSecrets
{
    // Stripe: "To aid with testing, Stripe sends an additional signature with a fake v0 scheme,
    // for test mode events" (docs: webhooks, "Verify signatures manually"). Its key is not
    // published; the emulator's is a fixed, public, deliberately secret-unlike string, so a v0
    // never verifies against the endpoint's secret and a receiver must ignore it, as on Stripe.
    private static readonly byte[] FakeV0Key = Encoding.UTF8.GetBytes("emulator-fake-v0-scheme-key-public");

    private readonly byte[] _currentKey;
    private readonly byte[]? _previousKey;

    public WebhookSigningSecrets(string current, string? previous, DateTimeOffset previousExpiresAt)
    {
        Current = current;
        Previous = previous;
        PreviousExpiresAt = previousExpiresAt;
        _currentKey = Encoding.UTF8.GetBytes(current);
        _previousKey = previous is null ? null : Encoding.UTF8.GetBytes(previous);
    }

    public string Current { get; }

    public string? Previous { get; }

    public DateTimeOffset PreviousExpiresAt { get; }

    public bool IsPreviousActive(DateTimeOffset now) => Previous is not null && now < PreviousExpiresAt;

    public string CreateHeader(string payload, DateTimeOffset now)
    {
        long timestamp = now.ToUnixTimeSeconds();
        byte[] message = Encoding.UTF8.GetBytes(string.Create(
            System.Globalization.CultureInfo.InvariantCulture, $"{timestamp}.{payload}"));

        var header = new StringBuilder(160);
        header.Append(System.Globalization.CultureInfo.InvariantCulture, $"t={timestamp}");
        header.Append(",v1=").Append(Convert.ToHexStringLower(HMACSHA256.HashData(_currentKey, message)));
        if (_previousKey is not null && IsPreviousActive(now))
        {
            header.Append(",v1=").Append(Convert.ToHexStringLower(HMACSHA256.HashData(_previousKey, message)));
        }

        header.Append(",v0=").Append(Convert.ToHexStringLower(HMACSHA256.HashData(FakeV0Key, message)));
        return header.ToString();
    }

    /// <summary>A new secret in Stripe's shape: <c>whsec_</c> and 32 base-62 characters.</summary>
    public static string Generate(Random random)
    {
        const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return string.Create(38, random, static (span, rng) =>
        {
            "whsec_".AsSpan().CopyTo(span);
            for (int i = 6; i < span.Length; i++)
            {
                span[i] = Alphabet[rng.Next(Alphabet.Length)];
            }
        });
    }
}
