using StripeTerminalKit.TestHygiene;
using StripeTerminalKit.Samples.ConsoleApp;

namespace StripeTerminalKit.Samples.Console.Tests;

/// <summary>
/// The console sample's entry point, run in-process with its output captured. The environment is
/// the test's own, so no test ever reaches Stripe whatever the machine has in STRIPE_API_KEY.
/// </summary>
public sealed class ConsoleSampleTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(string? apiKey, params string[] args)
    {
        using var output = new StringWriter();
        var code = await CommandLine.InvokeAsync(args, output, output, name => name == CheckoutSample.ApiKeyVariable ? apiKey : null);
        SuiteSecretScanner.Scan(output.ToString(), "console sample output");
        return (code, output.ToString());
    }

    [Fact]
    public async Task The_default_run_takes_the_cafe_payment_and_prints_the_receipt()
    {
        var (code, output) = await RunAsync(apiKey: null);

        Assert.Equal(ExitCodes.Paid, code);
        Assert.Contains("on the in-process emulator", output, StringComparison.Ordinal);
        Assert.Contains("Flinders Lane Cafe (created)", output, StringComparison.Ordinal);
        Assert.Contains("(simulated_stripe_s700, Online, registered)", output, StringComparison.Ordinal);
        Assert.Contains("Showing the cart on the reader", output, StringComparison.Ordinal);
        Assert.Contains("waiting for the customer", output, StringComparison.Ordinal);
        Assert.Matches(@"\[00:0\d\.\d\] The customer taps a card ending 4242 and adds a \$2\.00 tip\.", output);
        var receipt = output[output.IndexOf("RECEIPT", StringComparison.Ordinal)..];
        Assert.Matches(@"2 x Flat white\s+\$11\.00", receipt);
        Assert.Matches(@"1 x Banana bread\s+\$6\.50", receipt);
        Assert.Matches(@"Tip\s+\$2\.00", receipt);
        Assert.Matches(@"TOTAL AUD\s+\$19\.50", receipt);
        Assert.Contains("Card     VISA •••• 4242", receipt, StringComparison.Ordinal);
        Assert.Contains("Network  visa", receipt, StringComparison.Ordinal);
        Assert.Contains("Status   APPROVED, captured $19.50", receipt, StringComparison.Ordinal);
        Assert.Matches(@"Payment  pi_\w+", receipt);
        // The EMV fields a custom receipt must print (docs: terminal/features/receipts).
        Assert.Contains("AID      A0000000031010", receipt, StringComparison.Ordinal);
        Assert.Matches(@"App      \S+", receipt);
        Assert.Contains("ARC      3030", receipt, StringComparison.Ordinal);
        Assert.Matches(@"Account  (credit|checking|savings|prepaid|unknown)", receipt);
        Assert.Matches(@"Verified \S+", receipt);
        Assert.Matches(@"Auth     \w+", receipt);
        Assert.Matches(@"Entry    (contactless|chip)", receipt);
        Assert.Matches(@"Reader   tmr_\w+", receipt);
    }

    [Fact]
    public async Task A_declined_first_card_is_retried_and_the_second_card_pays()
    {
        var (code, output) = await RunAsync(null, "--scenario", "decline-then-second-card", "--tap-after", "0.1");

        Assert.Equal(ExitCodes.Paid, code);
        Assert.Contains("card ending 9995", output, StringComparison.Ordinal);
        Assert.Contains("retries on the same PaymentIntent", output, StringComparison.Ordinal);
        Assert.Contains("Card     MASTERCARD •••• 4444", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declined_card_exits_2()
    {
        var (code, output) = await RunAsync(null, "--card", "insufficient-funds", "--tap-after", "0.1");

        Assert.Equal(ExitCodes.Declined, code);
        Assert.Contains("DECLINED (insufficient_funds)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_customer_cancelling_on_the_reader_exits_3()
    {
        var (code, output) = await RunAsync(null, "--scenario", "customer-cancel", "--tap-after", "0.1");

        Assert.Equal(ExitCodes.Canceled, code);
        Assert.Contains("CANCELLED by the customer", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cashier_cancelling_exits_3()
    {
        var (code, output) = await RunAsync(null, "--cancel-after", "0.3");

        Assert.Equal(ExitCodes.Canceled, code);
        Assert.Contains("CANCELLED by the merchant", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_offline_reader_fails_the_checkout_with_exit_4()
    {
        var (code, output) = await RunAsync(null, "--scenario", "reader-offline");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("FAILED: ReaderOffline (terminal_reader_offline)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_refund_scenario_pays_then_refunds_in_full()
    {
        var (code, output) = await RunAsync(null, "--scenario", "refund", "--card", "eftpos", "--tip", "0", "--tap-after", "0.1");

        Assert.Equal(ExitCodes.Paid, code);
        Assert.Contains("Network  eftpos_au", output, StringComparison.Ordinal);
        Assert.Matches(@"REFUNDED \$17\.50 AUD  re_\w+", output);
    }

    [Fact]
    public async Task The_two_step_flow_with_manual_capture_authorises_then_captures()
    {
        var (code, output) = await RunAsync(null, "--two-step", "--manual-capture", "--amount", "42.10", "--tip", "0", "--tap-after", "0.1");

        Assert.Equal(ExitCodes.Paid, code);
        Assert.Contains("Card read; confirming the payment", output, StringComparison.Ordinal);
        Assert.Contains("Authorised $42.10; the cashier captures it.", output, StringComparison.Ordinal);
        Assert.Contains("Status   APPROVED, captured $42.10", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sk_" + "live_0123456789abcdef")]
    [InlineData("rk_" + "live_0123456789abcdef")]
    [InlineData("pk_test_0123456789abcdef")]
    public async Task A_key_that_is_not_a_test_secret_is_refused_before_anything_runs(string key)
    {
        var (code, output) = await RunAsync(key);

        Assert.Equal(ExitCodes.Config, code);
        Assert.Contains("not a test-mode key", output, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_only_scenarios_are_refused_in_test_mode_without_calling_Stripe()
    {
        var (code, output) = await RunAsync("sk_test_0123456789abcdef", "--scenario", "reader-offline");

        Assert.Equal(ExitCodes.Config, code);
        Assert.Contains("needs the emulator", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--amount", "0")]
    [InlineData("--amount", "12.345")]
    [InlineData("--scenario", "teleport")]
    [InlineData("--card", "monopoly-money")]
    [InlineData("--tip", "-1")]
    public async Task Bad_usage_exits_64(string option, string value)
    {
        var (code, _) = await RunAsync(null, option, value);

        Assert.Equal(ExitCodes.Usage, code);
    }
}
