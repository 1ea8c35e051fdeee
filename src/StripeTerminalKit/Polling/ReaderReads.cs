using System.Globalization;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Diagnostics;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Polling;

/// <summary>
/// The one way the kit reads a reader that something waits on, and the one loop that waits for a
/// reader's action to end. A read is served by the next batch round that lists the reader (one list
/// request for every waiter on its page) when batches run, else it is sent alone within the
/// reader-read budget. Its callers: a waiting checkout's poll (whose machine decides when to ask),
/// <see cref="ITerminalReaders.WaitForActionAsync"/>, and a checkout's in-person refund.
/// </summary>
/// <param name="readAlone">Reads one reader (<c>GET /v1/terminal/readers/{id}</c>).</param>
/// <param name="budget">The reader-read budget single reads take a turn from; null for none.</param>
/// <param name="batches">The batch rounds; null when every read goes alone.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Where each read of a wait is logged.</param>
internal sealed class ReaderReads(
    Func<string, TerminalCallOptions?, CancellationToken, Task<TerminalReader>> readAlone,
    PollBudget? budget,
    ReaderBatchScheduler? batches,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Whether reads may be served by batch rounds.</summary>
    public bool Batched => batches is not null;

    /// <summary>
    /// The reader as the next batch round that lists it shows it (read after this call began), or
    /// <see langword="null"/> when batches are off or no page shows it: the caller reads it alone
    /// from then on. Cancelled when the rounds stop; counts on <paramref name="work"/> as
    /// <see cref="ReaderBatchScheduler.ObserveAsync"/> says.
    /// </summary>
    public Task<ObservedReader?> InBatchAsync(string readerId, IWorkCounter? work) =>
        batches is null ? Task.FromResult<ObservedReader?>(null) : batches.ObserveAsync(readerId, work);

    /// <summary>Tells the batch rounds where a reader is and what it showed when an action was sent to it.</summary>
    public void NoteSent(TerminalReader reader, DateTimeOffset sentAt) => batches?.NoteSent(reader, sentAt);

    /// <summary>The reader read on its own, once the budget gives this caller a turn.</summary>
    public async Task<TerminalReader> AloneAsync(string readerId, IWorkCounter? work, TerminalCallOptions? callOptions, CancellationToken cancellationToken)
    {
        if (budget is not null)
        {
            await budget.WaitTurnAsync(work, cancellationToken).ConfigureAwait(false);
        }

        return await readAlone(readerId, callOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the reader until the action <paramref name="matches"/> accepts has ended, and returns it;
    /// <see langword="null"/> as soon as the reader shows no such action. In batch rounds the rounds
    /// set the pace; a reader read alone is read every <paramref name="interval"/>. A wait for another
    /// account's reader (<see cref="TerminalCallOptions.ConnectedAccount"/>) reads alone: a batch lists the kit's account.
    /// </summary>
    /// <exception cref="TimeoutException">The action was still running after <paramref name="timeout"/>.</exception>
    public async Task<TerminalReaderAction?> WaitForActionAsync(
        string readerId, Func<TerminalReaderAction, bool> matches, TimeSpan interval, TimeSpan timeout, TerminalCallOptions? callOptions, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var inBatches = Batched && callOptions?.ConnectedAccount is null;
        while (true)
        {
            var observed = inBatches ? await InBatchAsync(readerId, null).WaitAsync(cancellationToken).ConfigureAwait(false) : null;
            inBatches = observed is not null;
            var reader = observed?.Reader ?? await AloneAsync(readerId, null, callOptions, cancellationToken).ConfigureAwait(false);
            var action = reader.Action;
            Log.ReaderActionPolled(logger, readerId, action?.StripeType, action?.Status);

            if (action is null || !matches(action))
            {
                return null;
            }

            if (action.IsFinished)
            {
                Log.ReaderActionFinished(logger, readerId, action.StripeType, action.Status, action.Failure?.Code);
                return action;
            }

            var remaining = timeout - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException(
                    string.Create(CultureInfo.InvariantCulture, $"Reader {readerId} action {action.StripeType} did not finish within {timeout}."));
            }

            if (!inBatches)
            {
                await Task.Delay(interval < remaining ? interval : remaining, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
