using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

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
        var amount = new Option<decimal?>("--amount") { Description = "Sale amount in AUD, e.g. 42.50 (default: the café cart, A$17.50).", CustomParser = r => ParseNumber<decimal>(r, "--amount", "an amount in AUD such as 42.50") };
        var card = new Option<string>("--card") { Description = "Card the customer taps: " + string.Join(", ", SampleCards.ByName.Keys) + ", or a test card number.", DefaultValueFactory = _ => "visa" };
        var tip = new Option<decimal>("--tip") { Description = "Tip the customer adds on the reader, in AUD.", DefaultValueFactory = _ => 2.00m, CustomParser = r => ParseNumber<decimal>(r, "--tip", "an amount in AUD such as 2.00") ?? 0 };
        var tapAfter = new Option<double>("--tap-after") { Description = "Seconds the customer takes to tap.", DefaultValueFactory = _ => 2, CustomParser = r => ParseNumber<double>(r, "--tap-after", "a number of seconds such as 2.5") ?? 0 };
        var cancelAfter = new Option<double?>("--cancel-after") { Description = "The cashier cancels after this many seconds (the customer never taps).", CustomParser = r => ParseNumber<double>(r, "--cancel-after", "a number of seconds such as 2.5") };
        var twoStep = new Option<bool>("--two-step") { Description = "collect_payment_method, then confirm_payment_intent." };
        var manual = new Option<bool>("--manual-capture") { Description = "Authorise only, then capture explicitly." };
        var scenario = new Option<string>("--scenario") { Description = "pay, decline-then-second-card, customer-cancel, reader-offline or refund.", DefaultValueFactory = _ => "pay" };

        var root = new RootCommand(
            "Takes one card-present payment on a simulated Stripe Reader S700 with StripeTerminalKit. " +
            "Runs on the in-process emulator; set STRIPE_API_KEY=sk_test_… to run against Stripe test mode. " +
            "Exit codes: 0 paid, 2 declined, 3 cancelled, 4 failed, 5 needs attention, 64 bad usage, 78 refused configuration.")
        {
            amount, card, tip, tapAfter, cancelAfter, twoStep, manual, scenario,
        };

        // Values are checked here, after parsing succeeded, not in a System.CommandLine validator:
        // validators run on a failed parse too, where reading a value throws.
        var exitCode = ExitCodes.Usage;
        root.SetAction(async (parsed, ct) =>
        {
            var errors = Validate(parsed.GetValue(amount), parsed.GetValue(tip), parsed.GetValue(tapAfter), parsed.GetValue(cancelAfter), parsed.GetValue(card)!, parsed.GetValue(scenario)!);
            if (errors.Count > 0)
            {
                foreach (var message in errors)
                {
                    await error.WriteLineAsync(message).ConfigureAwait(false);
                }

                await error.WriteLineAsync("Run with --help to see the options.").ConfigureAwait(false);
                return exitCode = ExitCodes.Usage;
            }

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

    /// <summary>
    /// Reads a plain decimal number (digits, one point, an optional leading minus) in the invariant
    /// culture, so <c>42.50</c> means the same on every machine; anything else is a parse error that
    /// names the option. Ranges are checked later, by <see cref="Validate"/>.
    /// </summary>
    private static T? ParseNumber<T>(ArgumentResult result, string option, string expected)
        where T : struct, INumber<T>
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (T.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        result.AddError($"{option} takes {expected}, not '{Shown(token)}'.");
        return null;
    }

    /// <summary>A user's token made safe to print: at most 24 characters, control characters replaced.</summary>
    private static string Shown(string token)
    {
        var shown = token.Length > 24 ? token[..24] + "…" : token;
        return string.Create(shown.Length, shown, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) || char.IsSurrogate(s[i]) || char.GetUnicodeCategory(s[i]) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator ? '?' : s[i];
            }
        });
    }

    /// <summary>The largest amount Stripe takes in AUD (and the largest tip the sample accepts).</summary>
    private const decimal MaxAud = 999_999.99m;

    /// <summary>What is wrong with well-formed values, one message per option, each naming it.</summary>
    internal static List<string> Validate(decimal? amount, decimal tip, double tapAfter, double? cancelAfter, string card, string scenario)
    {
        var errors = new List<string>();
        if (amount is { } a && (a <= 0 || a > MaxAud || decimal.Round(a, 2) != a))
        {
            errors.Add("--amount must be between 0.01 and 999999.99 AUD, in cents.");
        }

        if (tip < 0 || tip > MaxAud || decimal.Round(tip, 2) != tip)
        {
            errors.Add("--tip must be between 0 and 999999.99 AUD, in cents.");
        }

        // Written so that NaN fails too (every comparison with NaN is false).
        if (!(tapAfter >= 0 && tapAfter <= 600))
        {
            errors.Add("--tap-after takes 0 to 600 seconds.");
        }

        if (cancelAfter is { } c && !(c > 0 && c <= 600))
        {
            errors.Add("--cancel-after takes more than 0 and at most 600 seconds.");
        }

        if (SampleCards.Resolve(card) is null)
        {
            errors.Add($"--card must be one of {string.Join(", ", SampleCards.ByName.Keys)}, or a test card number of 12 to 19 digits.");
        }

        if (!Scenarios.ContainsKey(scenario))
        {
            errors.Add($"--scenario must be one of {string.Join(", ", Scenarios.Keys)}.");
        }

        return errors;
    }
}
