using StripeTerminalKit.Errors;
using StripeTerminalKit.TestHygiene;

namespace StripeTerminalKit.Simulation.Tests.Hygiene;

/// <summary>The suite-wide secret scanner catches every kind of secret, and sees what the kit throws.</summary>
public sealed class SecretHygieneTests
{
    [Theory]
    [InlineData("key sk_test_51AbCdEfGhIjKlMn was used")]
    [InlineData("sk_" + "live_51AbCdEfGhIjKlMn")]
    [InlineData("rk_" + "live_51AbCdEfGhIjKlMn")]
    [InlineData("rk_test_9xYz")]
    [InlineData("secret whsec_AbCdEf0123456789")]
    [InlineData("client_secret=pi_3AbCdEf_secret_XyZ123")]
    [InlineData("Authorization: Bearer abc")]
    [InlineData("Authorization=Basic c2tfdGVzdA==")]
    [InlineData("Bearer sk_test_x")]
    public void Each_kind_of_secret_is_caught(string text) => Assert.True(SuiteSecretScanner.HasSecret(text));

    [Theory]
    [InlineData("Invalid API Key provided: sk_test_********************1234")]
    [InlineData("payment_intent pi_3AbCdEf requires_capture")]
    [InlineData("IncrementAuthorization: not supported for this card")]
    [InlineData("webhook secret rotated (2 secrets)")]
    public void Redacted_keys_and_ordinary_text_are_not_secrets(string text) => Assert.False(SuiteSecretScanner.HasSecret(text));

    [Fact]
    public void An_exception_the_kit_throws_is_scanned_even_when_it_is_caught()
    {
        var before = SuiteSecretScanner.Scanned;

        Assert.Throws<TerminalValidationException>(() => new Idempotency.IdempotencyKey(""));

        Assert.True(SuiteSecretScanner.Scanned > before);
    }
}
