using Microsoft.Extensions.Options;

namespace StripeTerminalKit.DependencyInjection;

/// <summary>Names derived from a configuration name, kept in one place so they never drift apart.</summary>
internal static class StripeTerminalKitNames
{
    public static bool IsDefault(string? name) => string.IsNullOrEmpty(name) || name == Options.DefaultName;

    /// <summary><c>StripeTerminal</c> for the default configuration, <c>StripeTerminal:{name}</c> otherwise.</summary>
    public static string SectionPath(string? name) =>
        IsDefault(name) ? StripeTerminalOptions.ConfigurationSectionName : $"{StripeTerminalOptions.ConfigurationSectionName}:{name}";

    /// <summary>The <see cref="System.Net.Http.IHttpClientFactory"/> client name.</summary>
    public static string HttpClient(string? name) =>
        IsDefault(name) ? "StripeTerminalKit" : $"StripeTerminalKit:{name}";

    /// <summary>The DI key under which a configuration's services are registered.</summary>
    public static string ServiceKey(string? name) => IsDefault(name) ? Options.DefaultName : name!;
}
