using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.DependencyInjection;
using StripeTerminalKit.Storage.PostgreSql;
using StripeTerminalKit.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL checkout store.</summary>
public static class PostgreSqlCheckoutStoreServiceCollectionExtensions
{
    /// <summary>
    /// Keeps checkouts in PostgreSQL, shared by every instance of a farm: each running checkout is
    /// driven by one instance under a lease, a dead instance's checkouts are taken over, and the
    /// reconciler runs on one instance at a time. The tables are created or migrated when the host
    /// starts; a database that cannot be reached or holds a newer schema stops start-up.
    /// </summary>
    /// <param name="builder">The kit's builder (after <c>AddCheckout</c>).</param>
    /// <param name="connectionStringOrName">
    /// An Npgsql connection string (<c>Host=…;Database=…</c>), or the name of one under
    /// <c>ConnectionStrings</c> in the configuration (e.g. <c>Checkouts</c>).
    /// </param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// services.AddStripeTerminalKit(o => o.Country = "AU").AddCheckout(o => o.InstanceId = "web-1").UsePostgreSqlStore("Checkouts");
    /// </code>
    /// </example>
    public static StripeTerminalKitBuilder UsePostgreSqlStore(this StripeTerminalKitBuilder builder, string connectionStringOrName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringOrName);
        return builder.UsePostgreSqlStore(o => o.ConnectionString = connectionStringOrName);
    }

    /// <summary>Keeps checkouts in PostgreSQL configured by <paramref name="configure"/>.</summary>
    /// <param name="builder">The kit's builder (after <c>AddCheckout</c>).</param>
    /// <param name="configure">Sets the connection string (or the name of one under <c>ConnectionStrings</c>) and the schema.</param>
    /// <returns>The builder.</returns>
    public static StripeTerminalKitBuilder UsePostgreSqlStore(this StripeTerminalKitBuilder builder, Action<PostgreSqlCheckoutStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgreSqlCheckoutStoreOptions();
        configure(options);
        builder.Services.TryAddSingleton(provider =>
        {
            var connectionString = options.ConnectionString;
            if (connectionString is not null && !connectionString.Contains('=', StringComparison.Ordinal))
            {
                connectionString = provider.GetService<IConfiguration>()?.GetConnectionString(connectionString)
                    ?? throw new InvalidOperationException($"UsePostgreSqlStore: no connection string named '{options.ConnectionString}' under ConnectionStrings in the configuration.");
            }

            return new PostgreSqlCheckoutStore(new PostgreSqlCheckoutStoreOptions { ConnectionString = connectionString, Schema = options.Schema });
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<ICheckoutStore>(provider => provider.GetRequiredService<PostgreSqlCheckoutStore>()));

        // First among the hosted services, so the reconciler's start-up pass finds the tables ready
        // and an unreachable database stops the host before it takes any request.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(provider => new PostgreSqlStoreInitializer(provider.GetRequiredService<PostgreSqlCheckoutStore>())));

        // Webhooks accepted by any instance reach the instance driving the checkout (inbox + LISTEN/NOTIFY).
        var name = builder.Name;
        builder.Services.TryAddSingleton(provider => new PostgreSqlWebhookInbox(
            provider.GetRequiredService<PostgreSqlCheckoutStore>(),
            provider.GetRequiredService<IOptionsMonitor<StripeTerminalCheckoutOptions>>().Get(name).InstanceId is { Length: > 0 } id ? id : Environment.MachineName,
            () => provider.GetServices<ITerminalWebhookHandler>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILoggerFactory>()?.CreateLogger("StripeTerminalKit.Storage.PostgreSql.Webhooks") ?? NullLogger.Instance));
        builder.Services.AddSingleton<ITerminalWebhookHandler>(provider => provider.GetRequiredService<PostgreSqlWebhookInbox>());
        builder.Services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<PostgreSqlWebhookInbox>());
        return builder;
    }

    private sealed class PostgreSqlStoreInitializer(PostgreSqlCheckoutStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
