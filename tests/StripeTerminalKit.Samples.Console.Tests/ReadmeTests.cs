using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Samples.Console.Tests;

public sealed class ReadmeTests
{
    [Fact]
    public void The_repository_README_shows_the_tour_the_fake_checkout_and_the_emulator_as_compiled_snippets()
    {
        var shown = PackageSnippets().Where(row => (string)row[0] == "README.md").Select(row => (string)row[1]).ToArray();

        Assert.Equal(["readme-tour", "readme-fake-checkout", "readme-emulator"], shown);
    }

    [Fact]
    public async Task The_README_emulator_snippet_runs()
    {
        var (locationId, ledger) = await ReadmeEmulatorSample.RunAsync();

        Assert.StartsWith("tml_", locationId, StringComparison.Ordinal);
        Assert.Empty(ledger.PaymentIntents);
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

    /// <summary>The repository README and every package's README (its package page), with the snippets each one shows.</summary>
    public static TheoryData<string, string> PackageSnippets()
    {
        var data = new TheoryData<string, string>();
        var readmes = Directory.GetFiles(Path.Combine(Repository.Root, "src"), "README.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Prepend(Path.Combine(Repository.Root, "README.md"));
        foreach (var readme in readmes)
        {
            var relative = Path.GetRelativePath(Repository.Root, readme).Replace('\\', '/');
            var text = File.ReadAllText(readme).Replace("\r\n", "\n", StringComparison.Ordinal);
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, "<!-- snippet: ([a-z0-9-]+) -->"))
            {
                data.Add(relative, m.Groups[1].Value);
            }
        }

        return data;
    }

    [Fact]
    public void Every_library_package_README_shows_a_compiled_snippet()
    {
        var shown = PackageSnippets().Select(row => (string)row[0]).Distinct().ToArray();

        Assert.Contains("src/StripeTerminalKit/README.md", shown);
        Assert.Contains("src/StripeTerminalKit.Emulator/README.md", shown);
        Assert.Contains("src/StripeTerminalKit.AspNetCore/README.md", shown);
        Assert.Contains("src/StripeTerminalKit.Storage.Sqlite/README.md", shown);
        Assert.Contains("src/StripeTerminalKit.Storage.PostgreSql/README.md", shown);
    }

    /// <summary>
    /// A README's <c>&lt;!-- snippet: name --&gt;</c> block is exactly the <c>#region name-usings</c>
    /// lines then the <c>#region name</c> lines of a C# file compiled by a test project, so it compiles as pasted.
    /// </summary>
    [Theory]
    [MemberData(nameof(PackageSnippets))]
    public void A_README_snippet_is_the_code_a_test_project_compiles_usings_included(string readme, string snippet)
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, readme));
        var shown = Lines(Between(text, $"<!-- snippet: {snippet} -->\n```csharp\n", "```"));

        var sources = Directory.GetFiles(Path.Combine(Repository.Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => File.ReadAllText(f).Replace("\r\n", "\n", StringComparison.Ordinal))
            .Where(t => t.Contains($"#region {snippet}\n", StringComparison.Ordinal))
            .ToArray();
        var source = Assert.Single(sources);
        var usings = source.Contains($"#region {snippet}-usings\n", StringComparison.Ordinal)
            ? Lines(Between(source, $"#region {snippet}-usings\n", "#endregion"))
            : [];
        var body = Lines(Between(source, $"#region {snippet}\n", "#endregion"));

        Assert.True(body.Length > 3, $"the region {snippet} is missing or empty");
        Assert.Equal([.. usings, .. body], shown);
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
