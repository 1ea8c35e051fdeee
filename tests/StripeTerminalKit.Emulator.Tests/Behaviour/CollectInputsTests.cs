using Stripe.Terminal;
using TestHelpers = Stripe.TestHelpers.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// <c>collect_inputs</c>: the form stays in progress until the test helpers complete it
/// (<c>succeed_input_collection</c>) or time it out (<c>timeout_input_collection</c>), or until the
/// customer leaves it untouched for 2 minutes.
/// </summary>
public sealed class CollectInputsTests
{
    internal static ReaderCollectInputsOptions EmailForm() => new()
    {
        Inputs =
        [
            new ReaderInputOptions { Type = "email", Required = true, CustomText = new ReaderInputCustomTextOptions { Title = "Receipt email" } },
        ],
        Metadata = new Dictionary<string, string> { ["order"] = "42" },
    };

    private static ReaderCollectInputsOptions FullForm() => new()
    {
        Inputs =
        [
            new ReaderInputOptions { Type = "email", Required = true, CustomText = new ReaderInputCustomTextOptions { Title = "Email" } },
            new ReaderInputOptions { Type = "phone", Required = false, CustomText = new ReaderInputCustomTextOptions { Title = "Phone", SkipButton = "Skip" } },
            new ReaderInputOptions
            {
                Type = "selection",
                Required = true,
                CustomText = new ReaderInputCustomTextOptions { Title = "Size" },
                Selection = new ReaderInputSelectionOptions { Choices = [new ReaderInputSelectionChoiceOptions { Id = "s", Text = "Small", Style = "primary" }, new ReaderInputSelectionChoiceOptions { Id = "l", Text = "Large", Style = "secondary" }] },
            },
            new ReaderInputOptions
            {
                Type = "signature",
                Required = false,
                CustomText = new ReaderInputCustomTextOptions { Title = "Sign" },
                Toggles = [new ReaderInputToggleOptions { Title = "Marketing", DefaultValue = "enabled" }],
            },
        ],
    };

    [Fact]
    public async Task Succeed_input_collection_fills_in_every_input()
    {
        await using var s = await Scenario.StartAsync();

        var waiting = await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, FullForm());
        var done = await s.Stripe.V1.TestHelpers.Terminal.Readers.SucceedInputCollectionAsync(s.ReaderId,
            new TestHelpers.ReaderSucceedInputCollectionOptions { SkipNonRequiredInputs = "none" });

        Assert.Equal("collect_inputs", waiting.Action.Type);
        Assert.Equal("in_progress", waiting.Action.Status);
        Assert.Equal("succeeded", done.Action.Status);
        var inputs = done.Action.CollectInputs.Inputs;
        Assert.Equal(4, inputs.Count);
        Assert.All(inputs, i => Assert.False(i.Skipped));
        Assert.False(string.IsNullOrEmpty(inputs[0].Email.Value));
        Assert.False(string.IsNullOrEmpty(inputs[1].Phone.Value));
        Assert.Equal("s", inputs[2].Selection.Id);
        Assert.StartsWith("file_", inputs[3].Signature.Value);
        Assert.Equal("enabled", inputs[3].Toggles[0].Value);
    }

    [Fact]
    public async Task Skip_all_skips_only_the_optional_inputs()
    {
        await using var s = await Scenario.StartAsync();
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, FullForm());

        var done = await s.Stripe.V1.TestHelpers.Terminal.Readers.SucceedInputCollectionAsync(s.ReaderId,
            new TestHelpers.ReaderSucceedInputCollectionOptions { SkipNonRequiredInputs = "all" });

        var inputs = done.Action.CollectInputs.Inputs;
        Assert.Equal([false, true, false, true], inputs.Select(i => i.Skipped));
        Assert.False(string.IsNullOrEmpty(inputs[0].Email.Value));
    }

    [Fact]
    public async Task Timeout_input_collection_fails_the_action()
    {
        await using var s = await Scenario.StartAsync();
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, EmailForm());

        var done = await s.Stripe.V1.TestHelpers.Terminal.Readers.TimeoutInputCollectionAsync(s.ReaderId);

        Assert.Equal("failed", done.Action.Status);
        Assert.NotNull(done.Action.FailureCode);
        Assert.Null(done.Action.ApiError);
        Assert.Equal("42", done.Action.CollectInputs.Metadata["order"]);
    }

    [Fact]
    public async Task A_form_untouched_for_two_minutes_times_out_by_itself()
    {
        await using var s = await Scenario.StartAsync();
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, EmailForm());

        s.Time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        var before = await s.GetReaderAsync();
        s.Time.Advance(TimeSpan.FromSeconds(1));
        var after = await s.GetReaderAsync();

        Assert.Equal("in_progress", before.Action.Status);
        Assert.Equal("failed", after.Action.Status);
        Assert.Contains("terminal.reader.action_failed", await s.EventTypesAsync());
    }

    [Fact]
    public async Task A_completed_form_does_not_time_out_later()
    {
        await using var s = await Scenario.StartAsync();
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, EmailForm());
        await s.Stripe.V1.TestHelpers.Terminal.Readers.SucceedInputCollectionAsync(s.ReaderId);

        s.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal("succeeded", (await s.GetReaderAsync()).Action.Status);
        Assert.DoesNotContain("terminal.reader.action_failed", await s.EventTypesAsync());
    }

    [Fact]
    public async Task A_cancelled_form_does_not_time_out_a_later_action()
    {
        await using var s = await Scenario.StartAsync();
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, EmailForm());
        s.Time.Advance(TimeSpan.FromMinutes(1));
        await s.CancelActionAsync();
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, EmailForm());

        s.Time.Advance(TimeSpan.FromMinutes(1.5));
        var stillOpen = await s.GetReaderAsync();
        s.Time.Advance(TimeSpan.FromMinutes(0.5));

        Assert.Equal("in_progress", stillOpen.Action.Status);
        Assert.Equal("failed", (await s.GetReaderAsync()).Action.Status);
    }

    [Fact]
    public async Task The_timeout_follows_the_configured_length()
    {
        await using var s = await Scenario.StartAsync(o => o.CollectInputsTimeout = TimeSpan.FromSeconds(10));
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, EmailForm());

        s.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("failed", (await s.GetReaderAsync()).Action.Status);
    }

    [Fact]
    public async Task The_helpers_refuse_a_reader_with_no_form_in_progress()
    {
        await using var s = await Scenario.StartAsync();

        var succeed = await Scenario.FailsAsync(() => s.Stripe.V1.TestHelpers.Terminal.Readers.SucceedInputCollectionAsync(s.ReaderId));
        var timeout = await Scenario.FailsAsync(() => s.Stripe.V1.TestHelpers.Terminal.Readers.TimeoutInputCollectionAsync(s.ReaderId));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, succeed.HttpStatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, timeout.HttpStatusCode);
    }
}
