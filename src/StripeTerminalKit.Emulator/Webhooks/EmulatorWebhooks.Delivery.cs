using System.Globalization;

namespace StripeTerminalKit.Emulator;

/// <summary>Delivery: one lane per subscription, so that a slow endpoint only delays its own deliveries.</summary>
public sealed partial class EmulatorWebhooks
{
    /// <summary>
    /// Starts the subscription's lane if it has work and none is running. A lane makes the
    /// subscription's deliveries one after the other, so each endpoint sees its events in order,
    /// and lanes run side by side, so a slow endpoint never holds up another (issue 13: one stuck
    /// endpoint used to stall every delivery for up to the 30 s attempt timeout).
    /// </summary>
    private void StartLaneLocked(EmulatorWebhookSubscription subscription)
    {
        if (_disposed || _paused || subscription.Removed || subscription.LaneRunning || subscription.Queue.Count == 0)
        {
            return;
        }

        subscription.LaneRunning = true;
        _runningLanes++;

        // Not inline: Publish must return at once. And without the caller's execution context, so
        // that a lane started from inside a handler is not taken for that handler.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => RunLaneAsync(subscription));
        }
    }

    private async Task RunLaneAsync(EmulatorWebhookSubscription subscription)
    {
        while (true)
        {
            PendingWebhook? next;
            lock (_gate)
            {
                if (_disposed || _paused || subscription.Removed || !subscription.Queue.TryDequeue(out next))
                {
                    subscription.LaneRunning = false;
                    _runningLanes--;
                    if (_runningLanes == 0)
                    {
                        _lanesStopped?.TrySetResult();
                    }

                    ReleaseDrainWaitersIfIdleLocked();
                    return;
                }

                subscription.InFlight = next;
            }

            await AttemptAsync(next).ConfigureAwait(false);
        }
    }

    /// <summary>Idle: no subscription has a delivery queued or under way (scheduled ones do not count).</summary>
    private bool IsIdleLocked()
    {
        foreach (EmulatorWebhookSubscription subscription in _subscriptions)
        {
            if (subscription.InFlight is not null || subscription.Queue.Count > 0)
            {
                return false;
            }
        }

        return true;
    }

    private void ReleaseDrainWaitersIfIdleLocked()
    {
        if (_drainWaiters.Count == 0 || !IsIdleLocked())
        {
            return;
        }

        foreach (TaskCompletionSource waiter in _drainWaiters)
        {
            waiter.TrySetResult();
        }

        _drainWaiters.Clear();
    }

    private async Task AttemptAsync(PendingWebhook pending)
    {
        EmulatorWebhookSubscription subscription = pending.Subscription;
        EmulatorWebhookRetryPolicy policy = RetryPolicy;
        DateTimeOffset now = _timeProvider.GetUtcNow();
        var delivery = new EmulatorWebhookDelivery(
            subscription.Id,
            pending.Event,
            _secrets.CreateHeader(pending.Event.Json, now),
            pending.Attempt,
            DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()));

        string? failure = await SendAsync(subscription, delivery, policy.AttemptTimeout).ConfigureAwait(false);

        lock (_gate)
        {
            subscription.InFlight = null;
            if (_disposed || subscription.Removed)
            {
                return;
            }

            WebhookTally tally = subscription.Tally;
            if (failure is null)
            {
                _tally.Delivered++;
                tally.Delivered++;
                if (_eventStates.TryGetValue(pending.Event.Id, out EventDeliveryState? state))
                {
                    state.Delivered(subscription.Id);
                }

                return;
            }

            _tally.FailedAttempts++;
            tally.FailedAttempts++;
            subscription.Failure = failure;
            if (pending.Attempt >= policy.MaxAttempts)
            {
                _tally.Abandoned++;
                tally.Abandoned++;
                return;
            }

            PendingWebhook retry = pending with { Attempt = pending.Attempt + 1 };
            TimeSpan delay = policy.RetryDelayAfter(pending.Attempt);
            if (delay > TimeSpan.Zero)
            {
                ScheduleLocked(delay, [retry], isRetry: true);
            }
            else
            {
                subscription.Queue.Enqueue(retry);
            }
        }
    }

    /// <returns><see langword="null"/> on success, otherwise why the attempt failed.</returns>
    private async Task<string?> SendAsync(
        EmulatorWebhookSubscription subscription, EmulatorWebhookDelivery delivery, TimeSpan timeout)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, _timeProvider);
        using var attemptSource = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, _stopping.Token);
        try
        {
            if (subscription.Handler is { } handler)
            {
                DeliveringFor.Value = this;
                Task task = handler(delivery, attemptSource.Token) ?? Task.CompletedTask;

                // A handler that ignores its token still releases the lane when the attempt times out.
                await task.WaitAsync(attemptSource.Token).ConfigureAwait(false);
                return null;
            }

            return await WebhookTransport.PostAsync(subscription.HttpClient!, subscription.Url!, delivery, attemptSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Timed out after {timeout}.");
        }
#pragma warning disable CA1031 // Whatever a subscriber or endpoint does is a failed attempt, never a dead delivery lane.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }
}
