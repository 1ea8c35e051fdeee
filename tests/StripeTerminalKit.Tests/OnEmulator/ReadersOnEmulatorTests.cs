using StripeTerminalKit.Emulator;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Tests.TestSupport;

namespace StripeTerminalKit.Tests.OnEmulator;

public sealed class ReadersOnEmulatorTests
{
    private static readonly TerminalAddress Melbourne = new("AU", "1 Collins St", null, "Melbourne", "VIC", "3000");

    private static async Task<(TerminalLocation Location, TerminalReader Reader)> RegisterAsync(TestKit kit, string code = "simulated-s700", string label = "Till 1")
    {
        var location = await kit.Locations.CreateAsync(new CreateLocationRequest("Collins St", Melbourne));
        var reader = await kit.Readers.RegisterAsync(new RegisterReaderRequest(code)
        {
            LocationId = location.Id,
            Label = label,
            Metadata = new Dictionary<string, string> { ["lane"] = "1" },
        });
        return (location, reader);
    }

    [Fact]
    public async Task Register_get_update_and_delete_a_reader()
    {
        await using var kit = TestKit.OnEmulator();
        var (location, reader) = await RegisterAsync(kit);

        var fetched = await kit.Readers.GetAsync(reader.Id);
        var updated = await kit.Readers.UpdateAsync(reader.Id, new UpdateReaderRequest
        {
            Label = "Till 2",
            Metadata = new Dictionary<string, string> { ["lane"] = "2" },
        });
        await kit.Readers.DeleteAsync(reader.Id);
        await TestKit.ThrowsAsync<ResourceNotFoundException>(() => kit.Readers.GetAsync(reader.Id));

        Assert.StartsWith("tmr_", reader.Id, StringComparison.Ordinal);
        Assert.Equal("simulated_stripe_s700", fetched.DeviceType);
        Assert.True(fetched.IsSimulated);
        Assert.Equal(location.Id, fetched.LocationId);
        Assert.Equal("Till 1", fetched.Label);
        Assert.Equal("1", fetched.Metadata["lane"]);
        Assert.Equal(ReaderNetworkStatus.Online, fetched.NetworkStatus);
        Assert.Null(fetched.Action);
        Assert.Equal("Till 2", updated.Label);
        Assert.Equal("2", updated.Metadata["lane"]);
    }

    [Fact]
    public async Task List_filters_by_location_status_and_device_type()
    {
        await using var kit = TestKit.OnEmulator();
        var (shop1, s700) = await RegisterAsync(kit, "simulated-s700");
        var wpe = await kit.Readers.RegisterAsync(new RegisterReaderRequest("simulated-wpe") { LocationId = shop1.Id });
        var shop2 = await kit.Locations.CreateAsync(new CreateLocationRequest("Bourke St", Melbourne));
        var elsewhere = await kit.Readers.RegisterAsync(new RegisterReaderRequest("simulated-s710") { LocationId = shop2.Id });
        kit.Emulator!.Faults.SetReaderOffline(wpe.Id);

        var atShop1 = await Collect(kit.Readers.ListAsync(new ReaderListFilter { LocationId = shop1.Id, PageSize = 1 }));
        var online = await Collect(kit.Readers.ListAsync(new ReaderListFilter { NetworkStatus = ReaderNetworkStatus.Online }));
        var s710s = await Collect(kit.Readers.ListAsync(new ReaderListFilter { DeviceType = "simulated_stripe_s710" }));

        Assert.Equal(new[] { s700.Id, wpe.Id }.Order(), atShop1.Select(r => r.Id).Order());
        Assert.Equal(new[] { s700.Id, elsewhere.Id }.Order(), online.Select(r => r.Id).Order());
        Assert.Equal(elsewhere.Id, Assert.Single(s710s).Id);
    }

    [Fact]
    public async Task Show_a_cart_read_it_back_and_clear_it()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);
        var cart = ReaderCart.Create("aud", [new CartLineItem("Latte", 550, 2), new CartLineItem("Muffin", 450)], tax: 155);

        var shown = await kit.Readers.ShowCartAsync(reader.Id, cart);
        var current = await kit.Readers.GetCurrentActionAsync(reader.Id);
        var cleared = await kit.Readers.ClearDisplayAsync(reader.Id);

        Assert.Equal(1705, cart.Total);
        Assert.Equal(ReaderActionType.SetReaderDisplay, shown.Action!.Type);
        Assert.Equal(ReaderActionStatus.InProgress, current!.Status);
        Assert.Equal(1705, current.Cart!.Total);
        Assert.Equal(155, current.Cart.Tax);
        Assert.Equal(new[] { ("Latte", 550L, 2), ("Muffin", 450L, 1) }, current.Cart.LineItems.Select(l => (l.Description, l.UnitAmount, l.Quantity)));
        Assert.Null(cleared.Action);
    }

    [Fact]
    public async Task A_cart_that_does_not_add_up_is_refused_before_any_request()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);
        var before = kit.Emulator!.RequestLog.Count;
        var wrong = new ReaderCart("aud", [new CartLineItem("Latte", 550, 2)], Tax: 100, Total: 1150);

        var error = await TestKit.ThrowsAsync<TerminalValidationException>(() => kit.Readers.ShowCartAsync(reader.Id, wrong));

        Assert.Equal("Cart.Total", error.Parameter);
        Assert.Contains("1200", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, kit.Emulator.RequestLog.Count);
    }

    [Fact]
    public async Task A_cart_in_a_currency_the_country_cannot_charge_is_refused()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);

        var error = await TestKit.ThrowsAsync<TerminalValidationException>(() =>
            kit.Readers.ShowCartAsync(reader.Id, ReaderCart.Create("usd", [new CartLineItem("Latte", 550)])));

        Assert.Equal("Cart.Currency", error.Parameter);
    }

    [Fact]
    public async Task Collect_inputs_returns_typed_results()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);
        var request = new CollectInputsRequest(
        [
            new SignatureInput(new InputCustomText("Sign here")) { Required = true },
            new EmailInput(new InputCustomText("Receipt email", SkipButton: "Skip")) { Toggles = [new InputToggle("Newsletter", DefaultEnabled: true)] },
            new PhoneInput(new InputCustomText("Phone")),
            new TextInput(new InputCustomText("Name on order")),
            new NumericInput(new InputCustomText("Table number")),
            ])
        {
            Metadata = new Dictionary<string, string> { ["order"] = "42" },
        };

        var started = await kit.Readers.CollectInputsAsync(reader.Id, request);
        await kit.Emulator!.CreateStripeClient(TestSecrets.ApiKey).V1.TestHelpers.Terminal.Readers.SucceedInputCollectionAsync(
            reader.Id, new Stripe.TestHelpers.Terminal.ReaderSucceedInputCollectionOptions { SkipNonRequiredInputs = "none" });
        var finished = await kit.Readers.WaitForActionAsync(reader.Id, new ReaderActionWaitOptions { ExpectedType = ReaderActionType.CollectInputs });

        Assert.Equal(ReaderActionStatus.InProgress, started.Action!.Status);
        Assert.Equal(ReaderActionStatus.Succeeded, finished!.Status);
        Assert.Equal("42", finished.Metadata!["order"]);
        var inputs = finished.Inputs!;
        Assert.StartsWith("file_", Assert.IsType<CollectedSignature>(inputs[0]).FileId, StringComparison.Ordinal);
        var email = Assert.IsType<CollectedEmail>(inputs[1]);
        Assert.Equal("someone@example.com", email.Email);
        Assert.Equal(new CollectedToggle("Newsletter", true), Assert.Single(email.Toggles));
        Assert.Equal("+61400000000", Assert.IsType<CollectedPhone>(inputs[2]).PhoneNumber);
        Assert.Equal("Sample text", Assert.IsType<CollectedText>(inputs[3]).Text);
        Assert.Equal("1234", Assert.IsType<CollectedNumeric>(inputs[4]).Value);
        Assert.True(inputs[0].Required);
        Assert.Equal("Sign here", inputs[0].Title);
    }

    [Fact]
    public async Task Collect_inputs_with_a_selection_and_skipped_optional_inputs()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);
        var request = new CollectInputsRequest(
        [
            new SelectionInput(new InputCustomText("Dine in?"), [new SelectionChoice("in", "Dine in"), new SelectionChoice("out", "Take away", SelectionChoiceStyle.Secondary)]) { Required = true },
            new EmailInput(new InputCustomText("Receipt email", SkipButton: "Skip")),
        ]);

        await kit.Readers.CollectInputsAsync(reader.Id, request);
        await kit.Emulator!.CreateStripeClient(TestSecrets.ApiKey).V1.TestHelpers.Terminal.Readers.SucceedInputCollectionAsync(
            reader.Id, new Stripe.TestHelpers.Terminal.ReaderSucceedInputCollectionOptions { SkipNonRequiredInputs = "all" });
        var finished = await kit.Readers.WaitForActionAsync(reader.Id);

        var selection = Assert.IsType<CollectedSelection>(finished!.Inputs![0]);
        Assert.Equal(("in", "Dine in"), (selection.ChoiceId, selection.ChoiceText));
        var email = Assert.IsType<CollectedEmail>(finished.Inputs[1]);
        Assert.True(email.Skipped);
        Assert.Null(email.Email);
    }

    [Fact]
    public async Task A_collect_inputs_timeout_is_a_failed_action_of_kind_timeout()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);

        await kit.Readers.CollectInputsAsync(reader.Id, new CollectInputsRequest([new SignatureInput(new InputCustomText("Sign"))]));
        await kit.Emulator!.CreateStripeClient(TestSecrets.ApiKey).V1.TestHelpers.Terminal.Readers.TimeoutInputCollectionAsync(reader.Id);
        var finished = await kit.Readers.WaitForActionAsync(reader.Id);

        Assert.Equal(ReaderActionStatus.Failed, finished!.Status);
        Assert.Equal(ReaderActionFailureKind.Timeout, finished.Failure!.Kind);
        var thrown = Assert.Throws<ReaderActionFailedException>(finished.ThrowIfFailed);
        Assert.Equal(reader.Id, thrown.ReaderId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public async Task Collect_inputs_needs_one_to_five_inputs(int count)
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);
        var before = kit.Emulator!.RequestLog.Count;
        var inputs = Enumerable.Range(0, count).Select(i => (ReaderInput)new TextInput(new InputCustomText($"Q{i}"))).ToArray();

        var error = await TestKit.ThrowsAsync<TerminalValidationException>(() => kit.Readers.CollectInputsAsync(reader.Id, new CollectInputsRequest(inputs)));

        Assert.Equal("Inputs", error.Parameter);
        Assert.Equal(before, kit.Emulator.RequestLog.Count);
    }

    [Fact]
    public async Task Input_texts_over_stripe_limits_are_refused()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);

        var error = await TestKit.ThrowsAsync<TerminalValidationException>(() => kit.Readers.CollectInputsAsync(
            reader.Id, new CollectInputsRequest([new TextInput(new InputCustomText(new string('t', 41)))])));

        Assert.Equal("Inputs[0].CustomText.Title", error.Parameter);
    }

    [Fact]
    public async Task Wait_for_action_polls_on_the_injected_clock_until_the_customer_taps()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);
        var payment = await kit.Payments.CreateAsync(new Payments.CreatePaymentRequest(1000));
        kit.Emulator!.Customer.Automate(CustomerAction.Tap(TestCards.Visa, delay: TimeSpan.FromSeconds(3)));

        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);
        var started = kit.Time.GetUtcNow();
        var finished = await kit.Time.AdvanceUntilDoneAsync(
            () => kit.Readers.WaitForActionAsync(reader.Id, new ReaderActionWaitOptions { ExpectedIntentId = payment.Id }),
            TimeSpan.FromSeconds(1));

        Assert.Equal(ReaderActionStatus.Succeeded, finished!.Status);
        Assert.Equal(payment.Id, finished.PaymentIntentId);
        Assert.InRange(kit.Time.GetUtcNow() - started, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Wait_for_action_times_out_on_the_injected_clock()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);
        var payment = await kit.Payments.CreateAsync(new Payments.CreatePaymentRequest(1000));
        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => kit.Time.AdvanceUntilDoneAsync(
            () => kit.Readers.WaitForActionAsync(reader.Id, new ReaderActionWaitOptions { Timeout = TimeSpan.FromSeconds(5), PollInterval = TimeSpan.FromSeconds(1) }),
            TimeSpan.FromSeconds(1)));

        Assert.Contains(reader.Id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_for_action_returns_null_when_the_action_is_cancelled()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);
        var payment = await kit.Payments.CreateAsync(new Payments.CreatePaymentRequest(1000));
        await kit.Payments.ProcessOnReaderAsync(reader.Id, payment.Id);

        var cancelled = await kit.Readers.CancelActionAsync(reader.Id);
        var finished = await kit.Readers.WaitForActionAsync(reader.Id);

        Assert.Null(cancelled.Action);
        Assert.Null(finished);
        Assert.Equal(Payments.IntentStatus.RequiresPaymentMethod, (await kit.Payments.GetAsync(payment.Id)).Status);
    }

    [Fact]
    public async Task A_busy_reader_is_a_typed_error_and_is_not_retried()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);
        using var busy = kit.Emulator!.Faults.Add(new FaultRule(FaultKind.ReaderBusy) { ReaderId = reader.Id });
        var before = kit.Emulator.RequestLog.Count;

        var error = await TestKit.ThrowsAsync<ReaderBusyException>(() =>
            kit.Readers.ShowCartAsync(reader.Id, ReaderCart.Create("aud", [new CartLineItem("Tea", 400)])));

        Assert.Equal(reader.Id, error.ReaderId);
        Assert.Equal("terminal_reader_busy", error.ErrorCode);
        Assert.NotNull(error.RequestId);
        Assert.Equal(before + 1, kit.Emulator.RequestLog.Count);
    }

    [Fact]
    public async Task An_offline_reader_is_a_typed_error_and_is_not_retried()
    {
        await using var kit = TestKit.OnEmulator();
        var (_, reader) = await RegisterAsync(kit);
        kit.Emulator!.Faults.SetReaderOffline(reader.Id);
        var before = kit.Emulator.RequestLog.Count;

        var error = await TestKit.ThrowsAsync<ReaderOfflineException>(() => kit.Readers.CancelActionAsync(reader.Id));

        Assert.Equal(reader.Id, error.ReaderId);
        Assert.False(error.IsTransient);
        Assert.Equal(before + 1, kit.Emulator.RequestLog.Count);
    }

    private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
