using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Registry;
using Polly.Retry;
using Polly.Testing;
using Polly.Timeout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Resilience;
using StripeTerminalKit.Tests.TestSupport;
using static StripeTerminalKit.Tests.TestSupport.StripeResponses;

namespace StripeTerminalKit.Tests.DependencyInjection;

public sealed class RegistrationTests
{
    // A server error to a request with a key is resent only when Stripe says so (it stored the answer otherwise).
    private static readonly (string, string) RetryAllowed = ("Stripe-Should-Retry", "true");

    [Fact]
    public async Task Two_named_configurations_work_side_by_side()
    {
        var time = new ObservableTimeProvider();
        await using var sydneyStripe = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = time });
        await using var aucklandStripe = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = time });
        var services = TestKit.BaseServices(time);
        services.AddStripeTerminalKit("sydney", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; }).UseEmulator(sydneyStripe);
        services.AddStripeTerminalKit("auckland", o => { o.ApiKey = TestSecrets.OtherApiKey; o.Country = "NZ"; }).UseEmulator(aucklandStripe);
        await using var provider = services.BuildServiceProvider();

        var sydney = await provider.GetRequiredKeyedService<ITerminalPayments>("sydney").CreateAsync(new CreatePaymentRequest(1000));
        var auckland = await provider.GetRequiredKeyedService<ITerminalPayments>("auckland").CreateAsync(new CreatePaymentRequest(1000));

        Assert.Equal("aud", sydney.Currency);
        Assert.Equal("nzd", auckland.Currency);
        Assert.Single(sydneyStripe.GetLedger().PaymentIntents);
        Assert.Single(aucklandStripe.GetLedger().PaymentIntents);
        Assert.Null(provider.GetService<ITerminalPayments>());
        Assert.NotSame(provider.GetRequiredKeyedService<ITerminalReaders>("sydney"), provider.GetRequiredKeyedService<ITerminalReaders>("auckland"));
    }

    [Fact]
    public void The_default_configuration_is_also_resolvable_without_a_key()
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator();
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<ITerminalLocations>(), provider.GetRequiredKeyedService<ITerminalLocations>(""));
        Assert.NotNull(provider.GetRequiredService<ITerminalReaders>());
        Assert.NotNull(provider.GetRequiredService<ITerminalPayments>());
        Assert.NotNull(provider.GetRequiredKeyedService<StripeEmulator>(""));
    }

    [Fact]
    public void A_service_registered_first_is_kept()
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        var mine = new FakeTimeProviderHolder();
        services.AddSingleton<TimeProvider>(mine.Time);
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator();
        using var provider = services.BuildServiceProvider();

        Assert.Same(mine.Time, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Calling_AddStripeTerminalKit_twice_adds_settings_not_services()
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator();
        services.AddStripeTerminalKit(o => o.DefaultCurrency = "aud");

        Assert.Single(services, d => d.ServiceType == typeof(ITerminalPayments) && d.IsKeyedService);
        Assert.Single(services, d => d.ServiceType == typeof(ITerminalPayments) && !d.IsKeyedService);
    }

    [Fact]
    public async Task The_http_client_comes_from_IHttpClientFactory_and_takes_extra_handlers()
    {
        var handler = new ScriptedHandler().On("GET /v1/payment_intents/pi_123", Answer(() => Json(HttpStatusCode.OK, PaymentIntent())));
        var seen = new List<string>();
        var time = new ObservableTimeProvider();
        var services = TestKit.BaseServices(time);
        services.AddStripeTerminalKit(o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; })
            .HttpClient
            .AddHttpMessageHandler(() => new SpyHandler(seen))
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<ITerminalPayments>().GetAsync("pi_123");

        Assert.Equal(["GET https://api.stripe.com/v1/payment_intents/pi_123?expand[0]=latest_charge"], seen.Select(Uri.UnescapeDataString));
        Assert.Equal("Bearer " + TestSecrets.ApiKey, handler.Requests.Single().Authorization);
    }

    [Fact]
    public void The_pipeline_is_total_timeout_then_retry_then_attempt_timeout()
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddStripeTerminalKit(o =>
        {
            o.Country = "AU";
            o.AttemptTimeout = TimeSpan.FromSeconds(20);
            o.TotalTimeout = TimeSpan.FromSeconds(90);
            o.Retry.MaxRetries = 4;
        }).UseEmulator();
        using var provider = services.BuildServiceProvider();

        var descriptor = provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(StripeTerminalResilience.DefaultPipelineKey).GetPipelineDescriptor();

        Assert.Collection(
            descriptor.Strategies,
            s => Assert.Equal(TimeSpan.FromSeconds(90), Assert.IsType<TimeoutStrategyOptions>(s.Options).Timeout),
            s => Assert.Equal(4, Assert.IsType<RetryStrategyOptions>(s.Options).MaxRetryAttempts),
            s => Assert.Equal(TimeSpan.FromSeconds(20), Assert.IsType<TimeoutStrategyOptions>(s.Options).Timeout));
    }

    [Fact]
    public async Task The_pipeline_can_be_replaced_through_polly_registration()
    {
        var handler = new ScriptedHandler().On(
            "POST /v1/payment_intents",
            Answer(() => Error(HttpStatusCode.InternalServerError, "api_error", null, "boom", null, null, RetryAllowed)),
            Answer(() => Json(HttpStatusCode.OK, PaymentIntent())));
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddStripeTerminalKit("shop2", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; })
            .HttpClient.ConfigurePrimaryHttpMessageHandler(() => handler);
        services.AddResiliencePipeline(StripeTerminalResilience.GetPipelineKey("shop2"), _ => { });
        await using var provider = services.BuildServiceProvider();

        await TestKit.ThrowsAsync<StripeUnavailableException>(() =>
            provider.GetRequiredKeyedService<ITerminalPayments>("shop2").CreateAsync(new CreatePaymentRequest(1000)));

        Assert.Equal("StripeTerminalKit:shop2", StripeTerminalResilience.GetPipelineKey("shop2"));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_replacement_can_wrap_the_kit_pipeline_and_be_registered_first()
    {
        var handler = new ScriptedHandler().On(
            "POST /v1/payment_intents",
            Answer(() => Error(HttpStatusCode.InternalServerError, "api_error", null, "boom", null, null, RetryAllowed)),
            Answer(() => Json(HttpStatusCode.OK, PaymentIntent())));
        var counter = new CountingStrategy();
        var time = new ObservableTimeProvider();
        var services = TestKit.BaseServices(time);
        services.AddResiliencePipeline(StripeTerminalResilience.PipelineKey, (builder, context) => builder
            .AddStrategy(_ => counter, new CountingStrategy.Options())
            .AddPipeline(context.ServiceProvider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(StripeTerminalResilience.DefaultPipelineKey)));
        services.AddStripeTerminalKit(o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; })
            .HttpClient.ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var kit = TestKit.Wrap(services.BuildServiceProvider(), time);

        await time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));

        Assert.Equal(1, counter.Executions);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Strategies_can_be_added_inside_the_kit_pipeline()
    {
        var handler = new ScriptedHandler().On(
            "POST /v1/payment_intents",
            Answer(() => Error(HttpStatusCode.InternalServerError, "api_error", null, "boom", null, null, RetryAllowed)),
            Answer(() => Json(HttpStatusCode.OK, PaymentIntent())));
        var counter = new CountingStrategy();
        var time = new ObservableTimeProvider();
        var services = TestKit.BaseServices(time);
        services.AddStripeTerminalKit(o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; o.Retry.JitterSeed = 1; })
            .ConfigureResilience((builder, _) => builder.AddStrategy(_ => counter, new CountingStrategy.Options()))
            .HttpClient.ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var kit = TestKit.Wrap(services.BuildServiceProvider(), time);

        await time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));

        Assert.Equal(2, counter.Executions);
    }

    [Fact]
    public async Task Disposing_the_container_with_a_call_in_flight_on_a_fake_clock_does_not_hang()
    {
        var handler = new ScriptedHandler().On("GET /v1/payment_intents/pi_123", Hang());
        var time = new ObservableTimeProvider();
        var services = TestKit.BaseServices(time);
        services.AddStripeTerminalKit(o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; })
            .HttpClient.ConfigurePrimaryHttpMessageHandler(() => handler);
        var provider = services.BuildServiceProvider();
        var inFlight = provider.GetRequiredService<ITerminalPayments>().GetAsync("pi_123");
        await handler.WaitForRequestsAsync(1);

        await provider.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(inFlight.IsCompleted);
    }

    private sealed class FakeTimeProviderHolder
    {
        public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time { get; } = new();
    }

    private sealed class SpyHandler(List<string> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (seen)
            {
                seen.Add($"{request.Method} {request.RequestUri}");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class CountingStrategy : ResilienceStrategy
    {
        private int _executions;

        public int Executions => Volatile.Read(ref _executions);

        protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
        {
            Interlocked.Increment(ref _executions);
            return callback(context, state);
        }

        public sealed class Options : ResilienceStrategyOptions;
    }
}
