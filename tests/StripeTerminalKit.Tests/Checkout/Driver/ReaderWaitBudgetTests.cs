using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// One rule for how hard a process reads its readers: a wait for a reader action
/// (<c>ITerminalReaders.WaitForActionAsync</c>, also used by a checkout's in-person refund) takes
/// each of its reads from the reader-read budget the checkouts poll within.
/// </summary>
public sealed class ReaderWaitBudgetTests
{
    [Fact]
    public async Task A_wait_for_a_reader_action_reads_the_reader_only_when_the_checkouts_reader_budget_gives_it_a_turn()
    {
        await using var h = await CheckoutHarness.StartAsync(webhooks: false, configure: o => { o.PollRequestsPerSecond = 1; o.PollBurst = 1; });
        await h.Runtime.Budgets.Readers.WaitTurnAsync(default);
        var readsBefore = ReaderReads(h);

        var wait = h.Readers.WaitForActionAsync(h.ReaderId);
        await h.SettleAsync();
        var readsWhileNoTurn = ReaderReads(h);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var action = await wait.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(readsBefore, readsWhileNoTurn);
        Assert.Null(action);
        Assert.Equal(readsBefore + 1, ReaderReads(h));
    }

    private static int ReaderReads(CheckoutHarness h) =>
        h.Emulator.RequestLog.Count(r => r.Operation == EmulatorOperations.ReadersGet);
}
