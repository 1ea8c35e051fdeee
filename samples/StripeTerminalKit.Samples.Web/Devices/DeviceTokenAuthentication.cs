using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace StripeTerminalKit.Samples.Web.Devices;

/// <summary>
/// <c>Authorization: Bearer {device token}</c>: each POS device proves who it is with its own
/// token. Compared in constant time on hashes, so neither the length nor the content leaks.
/// </summary>
internal sealed class DeviceTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<PosDeviceOptions> devices,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PosDevice";
    public const string DeviceNameClaim = "pos_device_name";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail("Use Authorization: Bearer {device token}."));
        }

        var presented = Hash(header["Bearer ".Length..].Trim());
        foreach (var (id, device) in devices.CurrentValue.Devices)
        {
            if (device.Token.Length >= 16 && CryptographicOperations.FixedTimeEquals(presented, Hash(device.Token)))
            {
                var identity = new ClaimsIdentity(
                    [new Claim(ClaimTypes.NameIdentifier, id), new Claim(DeviceNameClaim, string.IsNullOrEmpty(device.Name) ? id : device.Name)],
                    SchemeName);
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
            }
        }

        return Task.FromResult(AuthenticateResult.Fail("Unknown device token."));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"pos\"";
        var result = await HandleAuthenticateOnceSafeAsync();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Device token required",
                Detail = result.Failure?.Message ?? "Send Authorization: Bearer {device token}. Each POS device has its own token, configured under PosDevices.",
            },
        });
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}

/// <summary>Reads the calling device from the authenticated user.</summary>
internal static class DeviceClaims
{
    public static string DeviceId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The endpoint requires an authenticated POS device.");

    public static string DeviceName(this ClaimsPrincipal user) =>
        user.FindFirstValue(DeviceTokenAuthenticationHandler.DeviceNameClaim) ?? user.DeviceId();
}
