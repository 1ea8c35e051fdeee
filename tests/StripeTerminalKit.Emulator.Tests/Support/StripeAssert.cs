using System.Net;
using Stripe;

namespace StripeTerminalKit.Emulator.Tests.Support;

/// <summary>Assertions for Stripe errors as Stripe.net surfaces them.</summary>
internal static class StripeAssert
{
    /// <summary>Pass as the code when any error code (or none) is acceptable.</summary>
    public const string AnyCode = "*";

    /// <summary>Awaits <paramref name="call"/>, expecting Stripe's error with this status, type, code and param.</summary>
    public static async Task<StripeException> FailsAsync(
        Func<Task> call,
        HttpStatusCode status,
        string? code,
        string? param = null,
        string type = "invalid_request_error")
    {
        var e = await Assert.ThrowsAsync<StripeException>(call);
        Assert.True(e.StripeError is not null, $"no StripeError on: {e.Message}");
        Assert.Equal(status, e.HttpStatusCode);
        Assert.Equal(type, e.StripeError.Type);
        if (code != AnyCode)
        {
            Assert.Equal(code, e.StripeError.Code);
        }
        if (param is not null)
        {
            Assert.Equal(param, e.StripeError.Param);
        }

        Assert.False(string.IsNullOrWhiteSpace(e.StripeError.Message));
        Assert.StartsWith("req_", e.StripeResponse?.RequestId);
        return e;
    }
}
