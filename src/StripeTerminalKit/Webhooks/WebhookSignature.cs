using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StripeTerminalKit.Webhooks;

/// <summary>Why a webhook delivery was refused.</summary>
public enum WebhookRejection
{
    /// <summary>There was no <c>Stripe-Signature</c> header.</summary>
    MissingSignature,

    /// <summary>The header could not be read: no timestamp, or no <c>v1</c> signature.</summary>
    MalformedSignature,

    /// <summary>No <c>v1</c> signature matches any configured secret: wrong secret or a changed body.</summary>
    SignatureMismatch,

    /// <summary>The signed timestamp is outside the tolerance: a replay or a badly wrong clock.</summary>
    TimestampOutsideTolerance,

    /// <summary>The body is larger than allowed.</summary>
    BodyTooLarge,

    /// <summary>The body is not a Stripe event.</summary>
    MalformedBody,

    /// <summary>No signing secret is configured, so nothing can be trusted.</summary>
    NotConfigured,
}

/// <summary>
/// Verifies <c>Stripe-Signature: t=…,v1=…[,v1=…]</c>: HMAC-SHA256 of <c>"{t}.{body}"</c> keyed
/// with the UTF-8 bytes of the endpoint secret, compared in constant time, with the timestamp
/// inside the tolerance. Never throws on hostile input.
/// </summary>
internal static class WebhookSignature
{
    private const int MaxSignatures = 8;
    private const int MaxHeaderLength = 4096;

    public static WebhookRejection? Verify(ReadOnlySpan<byte> body, string? header, IReadOnlyList<byte[]> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
        if (secrets.Count == 0)
        {
            return WebhookRejection.NotConfigured;
        }

        if (string.IsNullOrEmpty(header))
        {
            return WebhookRejection.MissingSignature;
        }

        if (header.Length > MaxHeaderLength || !TryParse(header, out var timestamp, out var signatures, out var count))
        {
            return WebhookRejection.MalformedSignature;
        }

        var age = now.ToUnixTimeSeconds() - timestamp;
        if (age > (long)tolerance.TotalSeconds || age < -(long)tolerance.TotalSeconds)
        {
            return WebhookRejection.TimestampOutsideTolerance;
        }

        Span<byte> expected = stackalloc byte[32];
        Span<byte> prefix = stackalloc byte[24];
        timestamp.TryFormat(prefix, out var written, default, CultureInfo.InvariantCulture);
        prefix[written++] = (byte)'.';
        foreach (var secret in secrets)
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
            hmac.AppendData(prefix[..written]);
            hmac.AppendData(body);
            hmac.GetHashAndReset(expected);
            for (var i = 0; i < count; i++)
            {
                if (CryptographicOperations.FixedTimeEquals(expected, signatures.AsSpan(i * 32, 32)))
                {
                    return null;
                }
            }
        }

        return WebhookRejection.SignatureMismatch;
    }

    /// <summary>Reads the timestamp and up to eight v1 signatures; other schemes (v0) are ignored.</summary>
    internal static bool TryParse(string header, out long timestamp, out byte[] signatures, out int count)
    {
        timestamp = 0;
        count = 0;
        signatures = new byte[MaxSignatures * 32];
        var haveTimestamp = false;
        foreach (var range in header.AsSpan().Split(','))
        {
            var part = header.AsSpan(range.Start.Value, range.End.Value - range.Start.Value).Trim();
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var key = part[..eq];
            var value = part[(eq + 1)..];
            if (key.SequenceEqual("t"))
            {
                if (haveTimestamp || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp))
                {
                    return false;
                }

                haveTimestamp = true;
            }
            else if (key.SequenceEqual("v1") && count < MaxSignatures && value.Length == 64)
            {
                if (Convert.FromHexString(value, signatures.AsSpan(count * 32, 32), out _, out var bytes) == System.Buffers.OperationStatus.Done && bytes == 32)
                {
                    count++;
                }
            }
        }

        return haveTimestamp && count > 0;
    }

    /// <summary>Builds a header the way Stripe does; used by tests and the emulator bridge.</summary>
    internal static string Sign(ReadOnlySpan<byte> body, string secret, long timestamp)
    {
        var payload = new byte[Encoding.UTF8.GetByteCount(timestamp.ToString(CultureInfo.InvariantCulture)) + 1 + body.Length];
        var n = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture), payload);
        payload[n] = (byte)'.';
        body.CopyTo(payload.AsSpan(n + 1));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }
}
