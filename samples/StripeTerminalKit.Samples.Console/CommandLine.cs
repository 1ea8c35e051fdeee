using System.CommandLine;

namespace StripeTerminalKit.Samples.ConsoleApp;

/// <summary>The sample's command line (System.CommandLine), mapped onto <see cref="SampleOptions"/>.</summary>
public static class CommandLine
{
    private static readonly Dictionary<string, SampleScenario> Scenarios = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pay"] = SampleScenario.Pay,
        ["decline-then-second-card"] = SampleScenario.DeclineThenSecondCard,
        ["customer-cancel"] = SampleScenario.CustomerCancel,
        ["reader-offline"] = SampleScenario.ReaderOffline,
        ["refund"] = SampleScenario.Refund,
    };

    /// <summary>Parses <paramref name="args"/> and runs the sample.</summary>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken = default)
    {
        var amount = new Option<decimal?>("--amount") { Description = "Sale amount in AUD, e.g. 42.50 (default: the café cart, A$17.50)." };
        var card = new Option<string>("--card") { Description = "Card the customer taps: " + string.Join(", ", SampleCards.ByName.Keys) + ", or a test card number.", DefaultValueFactory = _ => "visa" };
        var tip = new Option<decimal>("--tip") { Description = "Tip the customer adds on the reader, in AUD.", DefaultValueFactory = _ => 2.00m };
        var tapAfter = new Option<double>("--tap-after") { Description = "Seconds the customer takes to tap.", DefaultValueFactory = _ => 2 };
        var cancelAfter = new Option<double?>("--cancel-after") { Description = "The cashier cancels after this many seconds (the customer never taps)." };
        var twoStep = new Option<bool>("--two-step") { Description = "collect_payment_method, then confirm_payment_intent." };
        var manual = new Option<bool>("--manual-capture") { Description = "Authorise only, then capture explicitly." };
        var scenario = new Option<string>("--scenario") { Description = "pay, decline-then-second-card, customer-cancel, reader-offline or refund.", DefaultValueFactory = _ => "pay" };
        scenario.AcceptOnlyFromAmong([.. Scenarios.Keys]);

        var root = new RootCommand(
            "Takes one card-present payment on a simulated Stripe Reader S700 with StripeTerminalKit. " +
            "Runs on the in-process emulator; set STRIPE_API_KEY=sk_test_… to run against Stripe test mode. " +
            "Exit codes: 0 paid, 2 declined, 3 cancelled, 4 failed, 5 needs attention, 64 bad usage, 78 refused configuration.")
        {
            amount, card, tip, tapAfter, cancelAfter, twoStep, manual, scenario,
        };
        root.Validators.Add(result =>
        {
            if (result.GetValue(amount) is { } a && (a <= 0 || a > 999_999.99m || decimal.Round(a, 2) != a))
            {
                result.AddError("--amount must be between 0.01 and 999999.99 AUD, in cents.");
            }

            if (result.GetValue(tip) is var t && (t < 0 || decimal.Round(t, 2) != t))
            {
                result.AddError("--tip must be zero or more, in cents.");
            }

            if (result.GetValue(tapAfter) is < 0 or > 600 || result.GetValue(cancelAfter) is <= 0 or > 600)
            {
                result.AddError("--tap-after and --cancel-after take 0 to 600 seconds.");
            }
        });

        var exitCode = ExitCodes.Usage;
        root.SetAction(async (parsed, ct) =>
        {
            var options = new SampleOptions
            {
                Amount = parsed.GetValue(amount) is { } a ? (long)(a * 100) : null,
                Card = parsed.GetValue(card)!,
                Tip = (long)(parsed.GetValue(tip) * 100),
                TapAfter = TimeSpan.FromSeconds(parsed.GetValue(tapAfter)),
                CancelAfter = parsed.GetValue(cancelAfter) is { } c ? TimeSpan.FromSeconds(c) : null,
                TwoStep = parsed.GetValue(twoStep),
                ManualCapture = parsed.GetValue(manual),
                Scenario = Scenarios[parsed.GetValue(scenario)!],
            };
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cancellationToken);
            exitCode = await CheckoutSample.RunAsync(options, output, environment, linked.Token).ConfigureAwait(false);
            return exitCode;
        });

        var parseResult = root.Parse(args);
        var code = await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);

        // Parse errors come back as 1: report them as bad usage.
        return parseResult.Errors.Count > 0 ? ExitCodes.Usage : code;
    }
}
