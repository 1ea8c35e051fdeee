using StripeTerminalKit.Checkout;
using A = StripeTerminalKit.Readers.ReaderActionStatus;

namespace StripeTerminalKit.Tests.Checkout;

/// <summary>The hot path (waiting on the reader: tick, poll, answer, webhook) must not allocate.</summary>
public sealed class CheckoutMachineCostTests
{
    [Fact]
    public void Polling_a_reader_in_progress_allocates_nothing()
    {
        var h = new MachineHarness(MachineHarness.Request() with { Timeout = CheckoutRequest.MaxTimeout });
        h.ToWaiting();
        var machine = h.Machine;
        var state = h.State;
        var buffer = new CheckoutCommandBuffer();
        var now = h.Now;
        var inProgress = MachineHarness.Reader(A.InProgress);
        var duplicateHint = CheckoutEvent.ReaderHint(now, inProgress);

        void Cycle()
        {
            now = state.ScheduledWake;
            state = machine.Transition(state, CheckoutEvent.Tick(now), buffer);
            var ticket = buffer[0].Ticket;
            state = machine.Transition(state, CheckoutEvent.ReaderReceived(now, ticket, inProgress), buffer);
            state = machine.Transition(state, duplicateHint, buffer);
        }

        for (var i = 0; i < 100; i++)
        {
            Cycle();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            Cycle();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(CheckoutPhase.AwaitingReader, state.Phase);
        Assert.True(state.ScheduledWake > now);
    }
}
