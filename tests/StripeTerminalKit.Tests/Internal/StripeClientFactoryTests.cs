using Microsoft.Extensions.Time.Testing;
using StripeTerminalKit.Internal;

namespace StripeTerminalKit.Tests.Internal;

public sealed class StripeClientFactoryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly CountingFactory _http = new();

    [Fact]
    public void Calls_share_one_client_for_a_while_instead_of_building_one_each()
    {
        var factory = new StripeClientFactory(_http, "stk", "sk_test_x", new Uri("http://127.0.0.1:12111/"), _time);

        var first = factory.Create();
        _time.Advance(StripeClientFactory.Reuse - TimeSpan.FromSeconds(1));
        var second = factory.Create();

        Assert.Same(first, second);
        Assert.Equal(1, _http.Created);
    }

    [Fact]
    public void A_new_client_is_built_after_the_reuse_period_so_handler_rotation_still_applies()
    {
        var factory = new StripeClientFactory(_http, "stk", "sk_test_x", null, _time);

        var first = factory.Create();
        _time.Advance(StripeClientFactory.Reuse);
        var second = factory.Create();

        Assert.NotSame(first, second);
        Assert.Equal(2, _http.Created);
    }

    private sealed class CountingFactory : IHttpClientFactory
    {
        public int Created { get; private set; }

        public HttpClient CreateClient(string name)
        {
            Created++;
            return new HttpClient();
        }
    }
}
