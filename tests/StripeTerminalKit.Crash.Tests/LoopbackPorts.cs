using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StripeTerminalKit.Crash.Tests;

/// <summary>
/// A loopback port for a child that must listen on a port known before it starts (the web sample:
/// the emulator server's webhook URL names it, and a restart must come back on it).
/// </summary>
/// <remarks>
/// Asking the OS for port 0 and releasing it is not enough on a shared machine: the port comes from
/// the ephemeral range, where every outgoing connection and every other bind to port 0 draws too,
/// so between the release and the child's bind (or during a restart's gap) someone else can hold it
/// and the child dies with "address already in use" (CI saw the web sample abort with 134 so). A
/// port below the ephemeral range is never handed out by the OS; picked at random and checked free,
/// only another explicit bind of the same port can collide.
/// </remarks>
internal static class LoopbackPorts
{
    private const int Lowest = 20000;

    public static int Reserve()
    {
        var (ephemeralLow, _) = EphemeralRange();
        var highest = Math.Max(Lowest + 1000, ephemeralLow);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(Lowest, highest);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port between {Lowest} and {highest} after 200 tries.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Linux's ephemeral range (elsewhere IANA's, 49152 up).</summary>
    private static (int Low, int High) EphemeralRange()
    {
        const string path = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(path))
        {
            var parts = File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var high))
            {
                return (low, high);
            }
        }

        return (49152, 65535);
    }
}
