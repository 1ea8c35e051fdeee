using StripeTerminalKit.Emulator.Server.Security;

namespace StripeTerminalKit.Emulator.Server.Tests.Security;

public sealed class LoopbackTests
{
    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LocalHost", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.0.9", true)]
    [InlineData("[::1]", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("evil.example", false)]
    [InlineData("localhost.evil.example", false)]
    [InlineData("localhost.", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("[::]", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("128.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_localhost_127_slash_8_and_the_IPv6_loopback_are_this_machine(string? host, bool loopback)
    {
        Assert.Equal(loopback, Loopback.IsLoopbackHost(host));
    }
}
