using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeTerminalKit;
using StripeTerminalKit.Emulator;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Switches a StripeTerminalKit configuration onto the in-process emulator. Lives in the emulator's
/// package so that the kit's package never carries the emulator into a production app.
/// </summary>
/// <example>
/// <code>
/// services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator();
/// // later: provider.GetRequiredService&lt;StripeEmulator&gt;() drives the simulated customer.
/// </code>
/// </example>
public static class StripeEmulatorKitBuilderExtensions
{
    /// <summary>
    /// Switches this configuration onto the given in-process emulator: every call is answered by
    /// <paramref name="emulator"/>, with no network and no Stripe account. The API key defaults to
    /// <see cref="StripeEmulator.TestApiKey"/>. The caller keeps ownership of the emulator.
    /// A host whose environment is Production refuses to start on it; elsewhere one warning is logged.
    /// </summary>
    /// <param name="builder">The builder <c>AddStripeTerminalKit</c> returned.</param>
    /// <param name="emulator">The emulator; tests keep it to drive the customer, faults and webhooks.</param>
    /// <returns>The builder.</returns>
    public static StripeTerminalKitBuilder UseEmulator(this StripeTerminalKitBuilder builder, StripeEmulator emulator)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(emulator);
        builder.Services.AddKeyedSingleton(builder.Name, emulator);
        if (string.IsNullOrEmpty(builder.Name))
        {
            // By instance, so the container never disposes the caller's emulator.
            builder.Services.Replace(ServiceDescriptor.Singleton(emulator));
        }

        return Switch(builder);
    }

    /// <summary>
    /// Switches this configuration onto an emulator created on the <see cref="TimeProvider"/> from DI
    /// and owned by the container. Resolve it with <c>GetRequiredService&lt;StripeEmulator&gt;()</c>
    /// for the default configuration, or <c>GetRequiredKeyedService&lt;StripeEmulator&gt;(name)</c>
    /// for a named one. A host whose environment is Production refuses to start on it; elsewhere one
    /// warning is logged.
    /// </summary>
    /// <param name="builder">The builder <c>AddStripeTerminalKit</c> returned.</param>
    /// <returns>The builder.</returns>
    public static StripeTerminalKitBuilder UseEmulator(this StripeTerminalKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddKeyedSingleton<StripeEmulator>(builder.Name, (provider, _) =>
            new StripeEmulator(new StripeEmulatorOptions { TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System }));
        if (string.IsNullOrEmpty(builder.Name))
        {
            builder.Services.TryAddSingleton(provider => provider.GetRequiredKeyedService<StripeEmulator>(string.Empty));
        }

        return Switch(builder);
    }

    private static StripeTerminalKitBuilder Switch(StripeTerminalKitBuilder builder)
    {
        var name = builder.Name;
        builder.UseInProcessHandler(provider => provider.GetRequiredKeyedService<StripeEmulator>(name).CreateHttpMessageHandler());
        builder.Configure(options => options.UseEmulator = true);
        builder.Services.PostConfigure<StripeTerminalOptions>(name, options =>
        {
            // An empty placeholder ("ApiKey": "" in appsettings) means no key, like a missing one.
            if (string.IsNullOrWhiteSpace(options.ApiKey))
            {
                options.ApiKey = StripeEmulator.TestApiKey;
            }

            options.ApiBase ??= new Uri(StripeEmulator.DefaultApiBase);
        });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StripeTerminalOptions>, EmulatorStartupGuard>());
        return builder;
    }
}

/// <summary>
/// Runs with the kit's start-up validation: refuses the emulator in a Production host, and warns
/// once per configuration everywhere else that no payment is real.
/// </summary>
internal sealed partial class EmulatorStartupGuard(IServiceProvider services) : IValidateOptions<StripeTerminalOptions>
{
    private readonly ConcurrentDictionary<string, bool> _warned = new(StringComparer.Ordinal);

    public ValidateOptionsResult Validate(string? name, StripeTerminalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.UseEmulator)
        {
            return ValidateOptionsResult.Skip;
        }

        name ??= Options.Options.DefaultName;
        var section = string.IsNullOrEmpty(name)
            ? StripeTerminalOptions.ConfigurationSectionName
            : $"{StripeTerminalOptions.ConfigurationSectionName}:{name}";
        var environment = services.GetService<IHostEnvironment>();
        if (environment is not null && environment.IsProduction())
        {
            return ValidateOptionsResult.Fail(
                $"{section} runs on the in-process Stripe emulator, which takes no real payment, and the host environment is Production. " +
                $"Remove UseEmulator() (and {section}:UseEmulator) and set {section}:ApiKey, or run the host in another environment (DOTNET_ENVIRONMENT or ASPNETCORE_ENVIRONMENT=Development).");
        }

        if (_warned.TryAdd(name, true))
        {
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger("StripeTerminalKit.Emulator");
            if (logger is not null)
            {
                LogRunningOnEmulator(logger, section, environment?.EnvironmentName ?? "(no host)");
            }
        }

        return ValidateOptionsResult.Success;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "{Section} runs on the in-process Stripe emulator (environment {Environment}): no call reaches Stripe and no payment is real. Remove UseEmulator() to take real payments.")]
    private static partial void LogRunningOnEmulator(ILogger logger, string section, string environment);
}
