using StripeTerminalKit.Checkout;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout.Steps;

/// <summary>The checkout README's table of calls is the step table itself, rendered.</summary>
public sealed class CheckoutStepTableTests
{
    private const string Begin = "<!-- steps:begin -->\n";
    private const string End = "<!-- steps:end -->";

    [Fact]
    public void The_README_table_of_calls_is_rendered_from_the_step_rows()
    {
        var path = Path.Combine(RepositoryRoot(), "src", "StripeTerminalKit", "Checkout", "README.md");
        var readme = File.ReadAllText(path).ReplaceLineEndings("\n");
        var start = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "the README marks the table of calls");
        var rendered = CheckoutStepTable.Render().ReplaceLineEndings("\n");

        if (Environment.GetEnvironmentVariable("STK_UPDATE_README") == "1")
        {
            File.WriteAllText(path, readme[..(start + Begin.Length)] + rendered + readme[end..]);
            return;
        }

        Assert.Equal(rendered, readme[(start + Begin.Length)..end]);
    }

    [Fact]
    public void Every_call_has_a_rule_for_every_failure_and_a_row_of_its_own()
    {
        foreach (var step in CheckoutSteps.All)
        {
            Assert.Same(step, CheckoutSteps.Of(step.Command));
            foreach (var kind in Enum.GetValues<StripeFailureKind>())
            {
                // Throws when no rule matches.
                _ = step.RuleFor(new StripeFailure(kind));
            }
        }

        Assert.Equal(CheckoutSteps.All.Length, CheckoutSteps.All.Select(s => s.Command).Distinct().Count());
        Assert.Null(CheckoutSteps.Of(CheckoutCommandKind.RetrieveReader));
        Assert.Null(CheckoutSteps.Of(CheckoutCommandKind.Complete));
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "StripeTerminalKit.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("The tests run inside the repository.");
    }
}
