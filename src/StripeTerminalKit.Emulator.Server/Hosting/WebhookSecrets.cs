using System.Security.Cryptography;

namespace StripeTerminalKit.Emulator.Server.Hosting;

/// <summary>Makes the per-run signing secret when none is given.</summary>
internal static class WebhookSecrets
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A fresh <c>whsec_</c> secret shaped like Stripe's, from a cryptographic source so
    /// two runs never share one. It only ever signs events from this emulator.</summary>
    public static string Generate() => "whsec_" + RandomNumberGenerator.GetString(Alphabet, 32);
}
