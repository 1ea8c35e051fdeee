using StripeTerminalKit.Samples.Web.Hosting;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>The web sample picks PostgreSQL when ConnectionStrings:Checkouts is a PostgreSQL connection string (farm issue, item 6).</summary>
public sealed class CheckoutStorageTests
{
    [Theory]
    [InlineData("Host=127.0.0.1;Port=5432;Database=pos;Username=pos;Password=x", true)]
    [InlineData("Server=db.internal;Database=pos;Username=pos", true)]
    [InlineData("Data Source=data/checkouts.db", false)]
    [InlineData("Data Source=/var/lib/pos/checkouts.db;Cache=Shared", false)]
    [InlineData("data/checkouts.db", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_connection_string_naming_a_host_is_postgresql_and_a_data_source_is_sqlite(string? connectionString, bool postgres) =>
        Assert.Equal(postgres, CheckoutStorage.IsPostgreSql(connectionString));
}
