using System.Globalization;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using K = StripeTerminalKit.Checkout.CheckoutCommandKind;
using S = StripeTerminalKit.Payments.IntentStatus;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout;

/// <summary>
/// Seeded random event sequences with no model behind them: any event, any ticket (current, stale or
/// made up), any observation, time jumping back and forth. The machine must never throw, never emit a
/// second completion, never create a second PaymentIntent once one is known, never capture what it
/// abandoned, and replay to the same commands. A failure names its seed (<c>STK_FUZZ_SEED</c> replays it).
/// </summary>
public sealed class CheckoutMachineFuzzTests
{
    private const int Runs = 2000;
    private const int EventsPerRun = 300;

    private static readonly string?[] Codes =
        [null, "card_declined", "customer_canceled", "connection_error", "insufficient_funds", "terminal_reader_busy", "weird_new_code"];

    [Fact]
    public void Random_event_sequences_never_break_the_invariants()
    {
        var seeds = Environment.GetEnvironmentVariable("STK_FUZZ_SEED") is { } one
            ? [int.Parse(one, CultureInfo.InvariantCulture)]
            : Enumerable.Range(1, Runs).ToArray();
        foreach (var seed in seeds)
        {
            try
            {
                Run(seed);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"Fuzz seed {seed} failed (replay with STK_FUZZ_SEED={seed}): {ex.Message}", ex);
            }
        }
    }

    private static void Run(int seed)
    {
        var rng = new Random(seed);
        var request = MachineHarness.Request(
            capture: (CheckoutCaptureMode)rng.Next(3),
            flow: (CheckoutFlow)rng.Next(2),
            retry: rng.Next(2) == 0,
            cart: rng.Next(3) == 0);
        var machine = CheckoutMachine.Default;
        var buffer = new CheckoutCommandBuffer();
        var state = CheckoutMachineState.Create(request);
        var now = MachineHarness.T0;
        var events = new List<CheckoutEvent>();
        var commands = new List<CheckoutCommand>();
        var tickets = new List<int>();
        var seen = new HashSet<int>();
        var completes = 0;
        var sentToReader = false;
        var abandoned = false;

        for (var i = 0; i < EventsPerRun; i++)
        {
            now += TimeSpan.FromSeconds(rng.Next(-5, 40));
            var e = RandomEvent(rng, now, tickets);
            events.Add(e);
            var wasCompleted = state.IsCompleted;
            var knewIntent = state.PaymentIntentId is not null;
            state = machine.Transition(state, e, buffer);
            foreach (var command in buffer.AsSpan())
            {
                commands.Add(command);
                if (command.Ticket != 0)
                {
                    Assert.True(seen.Add(command.Ticket), "ticket reused");
                    tickets.Add(command.Ticket);
                }

                Assert.True(command.Key.ToString().Length <= 255);
                switch (command.Kind)
                {
                    case K.Complete:
                        completes++;
                        Assert.Equal(1, completes);
                        Assert.NotNull(command.Result);
                        break;
                    case K.CreatePaymentIntent:
                        Assert.False(knewIntent || sentToReader, "second PaymentIntent");
                        break;
                    case K.ProcessPaymentIntent or K.CollectPaymentMethod or K.ConfirmPaymentIntent:
                        Assert.False(wasCompleted, "reader action after completion");
                        sentToReader = true;
                        break;
                    case K.CancelPaymentIntent when !wasCompleted:
                        abandoned = true;
                        break;
                    case K.CapturePaymentIntent:
                        Assert.False(!wasCompleted && abandoned, "capture after abandoning");
                        Assert.True(command.Amount > 0);
                        break;
                    case K.RefundPayment:
                        Assert.True(command.Amount > 0);
                        break;
                }
            }

            Assert.Equal(state.IsCompleted, state.Result is not null);
            Assert.Equal(state.IsCompleted ? 1 : 0, completes);
        }

        // Same events, same commands: keys are a function of the state, nothing else.
        var replayState = CheckoutMachineState.Create(request);
        var replayed = new List<CheckoutCommand>();
        foreach (var e in events)
        {
            replayState = machine.Transition(replayState, e, buffer);
            replayed.AddRange(buffer.AsSpan().ToArray());
        }

        Assert.Equal(state, replayState);
        Assert.Equal(commands, replayed);
    }

    private static CheckoutEvent RandomEvent(Random rng, DateTimeOffset now, List<int> tickets)
    {
        var ticket = tickets.Count == 0 || rng.Next(5) == 0 ? rng.Next(0, 50) : tickets[Math.Max(0, tickets.Count - 1 - rng.Next(4))];
        return rng.Next(18) switch
        {
            0 => CheckoutEvent.Start(now),
            1 => CheckoutEvent.Resume(now),
            2 or 3 or 4 => CheckoutEvent.Tick(now),
            5 => CheckoutEvent.Cancel(now, (CheckoutCanceledBy)rng.Next(2)),
            6 => CheckoutEvent.Retry(now),
            7 => CheckoutEvent.Capture(now, rng.Next(-10, 1500)),
            8 => CheckoutEvent.RefundRequest(now, rng.Next(-10, 1500)),
            9 or 10 => CheckoutEvent.IntentReceived(now, ticket, RandomIntent(rng)),
            11 => CheckoutEvent.ReaderReceived(now, ticket, RandomReader(rng)),
            12 => CheckoutEvent.RefundReceived(now, ticket, new RefundObservation("re_x", rng.Next(0, 1500), (RefundStatus)rng.Next(6))),
            13 => CheckoutEvent.Failed(now, ticket, (StripeFailureKind)rng.Next(13), Codes[rng.Next(Codes.Length)]),
            14 => CheckoutEvent.ReaderHint(now, RandomReader(rng)),
            15 => CheckoutEvent.IntentHint(now, RandomIntent(rng)),
            16 => CheckoutEvent.ReaderObserved(now, RandomReader(rng)),
            _ => CheckoutEvent.IntentObserved(now, RandomIntent(rng)),
        };
    }

    private static PaymentIntentObservation RandomIntent(Random rng)
    {
        var tip = rng.Next(3) == 0 ? 150 : 0;
        var amount = (rng.Next(5) == 0 ? 900 : 1000) + tip;
        var status = (S)rng.Next(8);
        return new PaymentIntentObservation(
            rng.Next(6) == 0 ? "pi_other" : MachineHarness.IntentId,
            status,
            amount,
            AmountCapturable: status == S.RequiresCapture ? amount : 0,
            AmountReceived: status == S.Succeeded ? amount : 0,
            TipAmount: tip,
            AmountRefunded: status == S.Succeeded ? rng.Next(0, 2) * 500 : 0,
            DeclineCode: rng.Next(3) == 0 ? "insufficient_funds" : null);
    }

    // No action, the checkout's own actions, and the display and form it shows.
    private static readonly ReaderActionType?[] RandomActionTypes =
    [
        null, ReaderActionType.ProcessPaymentIntent, ReaderActionType.CollectPaymentMethod, ReaderActionType.ConfirmPaymentIntent,
        ReaderActionType.SetReaderDisplay, ReaderActionType.CollectInputs,
    ];

    private static ReaderObservation RandomReader(Random rng) => new(
        rng.Next(8) == 0 ? "tmr_other" : MachineHarness.ReaderId,
        RandomActionTypes[rng.Next(RandomActionTypes.Length)],
        (ReaderActionStatus)rng.Next(4),
        rng.Next(6) == 0 ? "pi_other" : MachineHarness.IntentId,
        Codes[rng.Next(Codes.Length)],
        rng.Next(4) == 0 ? "insufficient_funds" : null);
}
