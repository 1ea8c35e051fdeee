using System.Net;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Emulator.Server.Hosting;
using StripeTerminalKit.Emulator.Server.Tests.Infrastructure;

namespace StripeTerminalKit.Emulator.Server.Tests.Hosting;

public sealed class EmulatorServerAppTests
{
    [Fact]
    public async Task By_default_the_log_has_one_line_per_request_and_no_framework_chatter()
    {
        var handler = new ScriptedHandler(_ => ScriptedHandler.Json(HttpStatusCode.OK, "{}"));
        await using var server = await RunningServer.StartAsync(Backend(handler), configure: _ => { });
        using var http = server.CreateHttpClient();

        (await http.GetAsync("/v1/terminal/readers")).Dispose();
        await server.WaitForServerLogAsync(1);

        var records = server.Logs.GetSnapshot();
        Assert.Single(server.ServerLog(1));
        Assert.DoesNotContain(records, r => r.Category?.StartsWith("Microsoft", StringComparison.Ordinal) == true && r.Level < LogLevel.Warning);
    }

    [Fact]
    public async Task Logging_configuration_overrides_the_defaults()
    {
        // The same layer Logging__LogLevel__StripeTerminalKit=Warning in the environment reaches.
        var handler = new ScriptedHandler(_ => ScriptedHandler.Json(HttpStatusCode.OK, "{}"));
        await using var server = await RunningServer.StartAsync(
            Backend(handler),
            configure: builder => builder.Configuration["Logging:LogLevel:StripeTerminalKit"] = "Warning");
        using var http = server.CreateHttpClient();

        (await http.GetAsync("/v1/terminal/readers")).Dispose();

        Assert.Empty(server.ServerLog(1));
    }

    private static EmulatorBackend Backend(HttpMessageHandler handler) => new()
    {
        Handler = handler,
        SubscribeWebhooks = _ => throw new InvalidOperationException("No webhooks in these tests."),
    };
}
