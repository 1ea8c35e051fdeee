using System.Net;
using System.Net.Sockets;
using Xunit;

namespace StripeTerminalKit.Crash.Tests;

public sealed class LoopbackPortsTests
{
    [Fact]
    public void A_reserved_port_is_free_and_outside_the_range_the_OS_hands_out_for_port_0()
    {
        // Ports the OS gave out for bind(0) just now: the range others draw from meanwhile.
        var drawn = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            drawn.Add(((IPEndPoint)listener.LocalEndpoint).Port);
            listener.Stop();
        }

        for (var i = 0; i < 20; i++)
        {
            var port = LoopbackPorts.Reserve();
            Assert.True(port < drawn.Min(), $"port {port} is inside the range bind(0) draws from (lowest seen {drawn.Min()})");
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }
}
