using Stripe.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// The customer pressing cancel on the reader: only when the action enabled
/// <c>enable_customer_cancellation</c>, and only while the reader still waits for a card. The action
/// fails with <c>customer_canceled</c> and no <c>api_error</c> (the failure is the reader's).
/// </summary>
public sealed class CustomerCancellationTests
{
    private static readonly ReaderProcessConfigOptions Cancellable = new() { EnableCustomerCancellation = true };

    [Fact]
    public async Task The_customer_cancels_a_payment_that_allows_it()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        var processing = await s.ProcessAsync(pi.Id, Cancellable);

        var cancelled = s.Emulator.Customer.CancelOnReader(s.ReaderId);
        var reader = await s.GetReaderAsync();

        Assert.True(processing.Action.ProcessPaymentIntent.ProcessConfig.EnableCustomerCancellation);
        Assert.True(cancelled);
        Assert.Equal("failed", reader.Action.Status);
        Assert.Equal("customer_canceled", reader.Action.FailureCode);
        Assert.Equal("This action could not be completed due to an error on the card reader.", reader.Action.FailureMessage);
        Assert.Null(reader.Action.ApiError);
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(pi.Id)).Status);
        Assert.Equal("terminal.reader.action_failed", (await s.EventTypesAsync())[^1]);
    }

    [Fact]
    public async Task The_intent_can_be_processed_again_after_the_customer_cancelled()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id, Cancellable);
        s.Emulator.Customer.CancelOnReader(s.ReaderId);

        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);

        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    public async Task Without_enable_customer_cancellation_the_cancel_button_does_nothing(bool? enable)
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id, enable is null ? null : new ReaderProcessConfigOptions { EnableCustomerCancellation = enable });

        var cancelled = s.Emulator.Customer.CancelOnReader(s.ReaderId);

        Assert.False(cancelled);
        Assert.Equal("in_progress", (await s.GetReaderAsync()).Action.Status);
    }

    [Fact]
    public async Task The_customer_cannot_cancel_once_the_card_is_being_authorised()
    {
        await using var s = await Scenario.StartAsync(o => o.AuthorizationDelay = TimeSpan.FromSeconds(3));
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id, Cancellable);
        await s.PresentAsync(TestCards.Visa);

        var cancelled = s.Emulator.Customer.CancelOnReader(s.ReaderId);
        s.Time.Advance(TimeSpan.FromSeconds(3));

        Assert.False(cancelled);
        Assert.Equal("succeeded", (await s.GetReaderAsync()).Action.Status);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task The_customer_cannot_cancel_a_finished_payment()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id, Cancellable);
        await s.PresentAsync(TestCards.Visa);

        Assert.False(s.Emulator.Customer.CancelOnReader(s.ReaderId));
        Assert.Equal("succeeded", (await s.GetReaderAsync()).Action.Status);
    }

    [Fact]
    public async Task The_customer_cancels_a_collection_that_allows_it()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.CollectAsync(pi.Id, new ReaderCollectConfigOptions { EnableCustomerCancellation = true });

        Assert.True(s.Emulator.Customer.CancelOnReader(s.ReaderId));

        var reader = await s.GetReaderAsync();
        Assert.Equal("collect_payment_method", reader.Action.Type);
        Assert.Equal("customer_canceled", reader.Action.FailureCode);
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task The_customer_cancels_saving_a_card_that_allows_it()
    {
        await using var s = await Scenario.StartAsync();
        var si = await s.Stripe.V1.SetupIntents.CreateAsync(new Stripe.SetupIntentCreateOptions());
        await s.Stripe.V1.Terminal.Readers.ProcessSetupIntentAsync(s.ReaderId, new ReaderProcessSetupIntentOptions
        {
            SetupIntent = si.Id,
            AllowRedisplay = "always",
            ProcessConfig = new ReaderProcessConfigOptions { EnableCustomerCancellation = true },
        });

        Assert.True(s.Emulator.Customer.CancelOnReader(s.ReaderId));

        Assert.Equal("customer_canceled", (await s.GetReaderAsync()).Action.FailureCode);
        Assert.Equal("requires_payment_method", (await s.Stripe.V1.SetupIntents.GetAsync(si.Id)).Status);
    }

    [Fact]
    public async Task Nothing_to_cancel_on_an_idle_or_unknown_reader()
    {
        await using var s = await Scenario.StartAsync();

        Assert.False(s.Emulator.Customer.CancelOnReader(s.ReaderId));
        Assert.False(s.Emulator.Customer.CancelOnReader("tmr_unknown"));
    }
}
