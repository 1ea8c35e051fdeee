using System.Text.RegularExpressions;
using StripeTerminalKit.Samples.ConsoleApp;

namespace StripeTerminalKit.Samples.Console.Tests;

/// <summary>
/// Every option of the console sample, read from its own <c>--help</c> (so a new option is
/// covered without touching this test), given every kind of malformed value: each run answers a
/// usage error on stderr that names the option and exits 64, never an unhandled exception.
/// </summary>
public sealed partial class BadInputTests
{
    /// <summary>Values no option of the sample accepts: not numbers, empty, huge, negative, not finite.</summary>
    private static readonly string[] MalformedValues =
    [
        "abc",
        "",
        " ",
        "-1",
        "-0.01",
        "0x10",
        "1.5.5",
        "1e400",
        "-1e400",
        "NaN",
        "Infinity",
        "-Infinity",
        "99999999999999999999999999999999999999",
        "-99999999999999999999999999999999999999",
        "79228162514264337593543950335",
        "\u0661\u0662",
        "\0",
        new string('9', 10_000),
    ];

    /// <summary>Options that print something and stop: they take no value to be malformed.</summary>
    private static readonly string[] InformationalOptions = ["--help", "--version"];

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.InvokeAsync(args, output, error, _ => null);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The options listed by <c>--help</c>, each with whether it takes a value (<c>--amount &lt;amount&gt;</c>) or is a flag.</summary>
    private static List<(string Option, bool TakesValue)> OptionsFromHelp()
    {
        using var output = new StringWriter();
        var code = CommandLine.InvokeAsync(["--help"], output, output, _ => null).GetAwaiter().GetResult();
        Assert.Equal(0, code);
        var options = HelpOption().Matches(output.ToString())
            .Select(m => (Option: m.Groups["name"].Value, TakesValue: m.Groups["value"].Success))
            .Where(o => !InformationalOptions.Contains(o.Option))
            .ToList();
        Assert.True(options.Count >= 8, "--help should list the sample's options: " + output);
        return options;
    }

    public static TheoryData<string, string?> EveryOptionWithEveryMalformedValue()
    {
        var data = new TheoryData<string, string?>();
        foreach (var (option, takesValue) in OptionsFromHelp())
        {
            foreach (var value in MalformedValues)
            {
                data.Add(option, value);
            }

            if (takesValue)
            {
                // The option last, its value missing.
                data.Add(option, null);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryOptionWithEveryMalformedValue))]
    public async Task A_malformed_value_is_a_usage_error_on_stderr_with_exit_64(string option, string? value)
    {
        var (code, output, error) = await RunAsync(value is null ? [option] : [option, value]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.False(string.IsNullOrWhiteSpace(error), "no message on stderr");
        Assert.DoesNotContain("Exception", error + output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\n\s+at \S", error + output);
        Assert.DoesNotContain("RECEIPT", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--amount", "abc")]
    [InlineData("--amount", "0")]
    [InlineData("--amount", "12.345")]
    [InlineData("--amount", "1000000")]
    [InlineData("--tip", "abc")]
    [InlineData("--tip", "-1")]
    [InlineData("--tip", "79228162514264337593543950335")]
    [InlineData("--tap-after", "NaN")]
    [InlineData("--tap-after", "-1")]
    [InlineData("--cancel-after", "abc")]
    [InlineData("--cancel-after", "Infinity")]
    [InlineData("--cancel-after", "0")]
    [InlineData("--card", "")]
    [InlineData("--card", "monopoly-money")]
    [InlineData("--scenario", "teleport")]
    public async Task The_message_names_the_option(string option, string value)
    {
        var (code, _, error) = await RunAsync(option, value);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--amount", "999999.99")]
    [InlineData("--card", "4242424242424242")]
    public async Task Values_at_the_limits_are_accepted(string option, string value)
    {
        var (code, _, error) = await RunAsync(option, value, "--tap-after", "0.1", "--tip", "0");

        Assert.Equal(ExitCodes.Paid, code);
        Assert.Equal(string.Empty, error);
    }

    [GeneratedRegex(@"^\s+(?:-\S+,\s+)*(?<name>--[a-z][a-z-]*)(?:\s+(?<value><[^>]+>))?", RegexOptions.Multiline)]
    private static partial Regex HelpOption();
}
