using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.DependencyInjection;
using StripeTerminalKit.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite checkout store.</summary>
public static class SqliteCheckoutStoreServiceCollectionExtensions
{
    /// <summary>
    /// Keeps checkouts in an SQLite file, so they survive a crash or a restart: the embedded
    /// durable store for one machine. The schema is created or migrated when the host starts;
    /// a file that cannot be opened, a foreign or damaged file, or a newer schema stops start-up
    /// with a message naming the file.
    /// </summary>
    /// <param name="builder">The kit's builder (after <c>AddCheckout</c>).</param>
    /// <param name="pathOrConnectionString">A file path such as <c>data/checkouts.db</c>, or a connection string (<c>Data Source=…</c>).</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// services.AddStripeTerminalKit(o => o.Country = "AU").AddCheckout().UseSqliteStore("data/checkouts.db");
    /// </code>
    /// </example>
    public static StripeTerminalKitBuilder UseSqliteStore(this StripeTerminalKitBuilder builder, string pathOrConnectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        var options = pathOrConnectionString.Contains('=', StringComparison.Ordinal)
            ? new SqliteCheckoutStoreOptions { ConnectionString = pathOrConnectionString }
            : new SqliteCheckoutStoreOptions { Path = pathOrConnectionString };
        return builder.UseSqliteStore(options);
    }

    /// <summary>Keeps checkouts in an SQLite file configured by <paramref name="options"/>.</summary>
    /// <param name="builder">The kit's builder (after <c>AddCheckout</c>).</param>
    /// <param name="options">Where the file is.</param>
    /// <returns>The builder.</returns>
    public static StripeTerminalKitBuilder UseSqliteStore(this StripeTerminalKitBuilder builder, SqliteCheckoutStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var store = new SqliteCheckoutStore(options);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICheckoutStore>(store));
        builder.Services.TryAddSingleton(store);

        // First among the hosted services, so the reconciler's start-up pass finds the schema ready
        // and a bad file stops the host before it takes any request.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(new SqliteStoreInitializer(store)));
        return builder;
    }

    private sealed class SqliteStoreInitializer(SqliteCheckoutStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
