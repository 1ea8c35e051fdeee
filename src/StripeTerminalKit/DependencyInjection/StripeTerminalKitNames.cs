using Microsoft.Extensions.Options;

namespace StripeTerminalKit.DependencyInjection;

/// <summary>Names derived from a configuration name, kept in one place so they never drift apart.</summary>
internal static class StripeTerminalKitNames
{
    public static bool IsDefault(string? name) => string.IsNullOrEmpty(name) || name == Options.DefaultName;

    /// <summary><c>StripeTerminal</c> for the default configuration, <c>StripeTerminal:{name}</c> otherwise.</summary>
    public static string SectionPath(string? name) =>
        IsDefault(name) ? StripeTerminalOptions.ConfigurationSectionName : $"{StripeTerminalOptions.ConfigurationSectionName}:{name}";

    /// <summary>
    /// How a start-up message names a setting of options set in code rather than bound from
    /// configuration: <c>{type}.{setting}</c>, or <c>{type}[{name}].{setting}</c> for a named configuration.
    /// </summary>
    public static string SettingPath(string optionsType, string? name, string setting) =>
        IsDefault(name) ? $"{optionsType}.{setting}" : $"{optionsType}[{name}].{setting}";

    /// <summary>The <see cref="System.Net.Http.IHttpClientFactory"/> client name.</summary>
    public static string HttpClient(string? name) =>
        IsDefault(name) ? "StripeTerminalKit" : $"StripeTerminalKit:{name}";

    /// <summary>The DI key under which a configuration's services are registered.</summary>
    public static string ServiceKey(string? name) => IsDefault(name) ? Options.DefaultName : name!;
}
