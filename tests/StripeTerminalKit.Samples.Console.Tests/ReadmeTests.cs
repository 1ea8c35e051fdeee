using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Samples.Console.Tests;

public sealed class ReadmeTests
{
    [Fact]
    public void The_README_shows_exactly_the_tour_that_this_project_compiles()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var source = File.ReadAllText(Path.Combine(Repository.Root, "tests", "StripeTerminalKit.Samples.Console.Tests", "ReadmeSample.cs"));

        var shown = Lines(Between(readme, "<!-- snippet: readme-tour -->\n```csharp\n", "```"));
        var compiled = Lines(Between(source, "#region readme-tour\n", "#endregion"));

        Assert.True(compiled.Length > 20, "the region is missing");
        Assert.Equal(compiled, shown);
    }

    [Fact]
    public async Task The_README_tour_runs_and_takes_the_payment()
    {
        var (result, refund) = await ReadmeSample.RunAsync();

        var paid = Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal(1750, paid.AmountCaptured);
        Assert.Equal("eftpos_au", paid.Network);
        Assert.Equal(CheckoutOperationStatus.Succeeded, refund.Status);
        Assert.Equal(500, refund.Amount);
    }

    private static string Between(string text, string start, string end)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start.Trim()}' not found");
        from += start.Length;
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        return text[from..to];
    }

    /// <summary>Compared without indentation: the README block is not indented like the method body.</summary>
    private static string[] Lines(string block) =>
        [.. block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];
}

internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StripeTerminalKit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("StripeTerminalKit.sln not found above " + AppContext.BaseDirectory);
    }
}
