
namespace StripeTerminalKit.Emulator;

/// <summary>Routing and timing: faults drawn per delivery, delays and retries released on the emulator's clock.</summary>
public sealed partial class EmulatorWebhooks
{
    /// <summary>
    /// Hands an event to every matching subscription. Returns at once, never throws, and may be
    /// called from any thread; call it after releasing the engine's own lock.
    /// </summary>
    internal void Publish(EmulatorEvent evt)
    {
        if (evt is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _tally.Published++;
            EmulatorWebhookFaults faults = _faults;
            int routed = 0;
            foreach (EmulatorWebhookSubscription subscription in _subscriptions)
            {
                if (subscription.Accepts(evt.Type, evt.Account))
                {
                    routed++;
                    RouteLocked(subscription, evt, faults);
                }
            }

            // Pending until each of them answers 2xx; a dropped delivery stays pending for ever.
            _eventStates[evt.Id] = new EventDeliveryState(routed);
        }
    }

    private void RouteLocked(EmulatorWebhookSubscription subscription, EmulatorEvent evt, EmulatorWebhookFaults faults)
    {
        WebhookTally tally = subscription.Tally;
        tally.Published++;

        if (ChanceLocked(faults.DropRate))
        {
            _tally.Dropped++;
            tally.Dropped++;
            return;
        }

        var first = new PendingWebhook(subscription, evt, Attempt: 1);
        PendingWebhook[] unit = [first];
        if (ChanceLocked(faults.DuplicateRate))
        {
            unit = [first, first];
            _tally.Duplicated++;
            tally.Duplicated++;
        }

        TimeSpan delay = faults.HasDelay && ChanceLocked(faults.DelayRate) ? DrawDelayLocked(faults) : TimeSpan.Zero;
        if (delay > TimeSpan.Zero)
        {
            _tally.Delayed++;
            tally.Delayed++;
            ScheduleLocked(delay, unit, isRetry: false);
            return;
        }

        EnqueueUnitLocked(subscription, unit, faults.ReorderRate);
    }

    private void EnqueueUnitLocked(EmulatorWebhookSubscription subscription, PendingWebhook[] unit, double reorderRate)
    {
        if (subscription.Held is null && ChanceLocked(reorderRate))
        {
            subscription.Held = unit;
            _tally.Reordered++;
            subscription.Tally.Reordered++;
            return;
        }

        foreach (PendingWebhook pending in unit)
        {
            subscription.Queue.Enqueue(pending);
        }

        ReleaseHeldLocked(subscription);
        StartLaneLocked(subscription);
    }

    private static void ReleaseHeldLocked(EmulatorWebhookSubscription subscription)
    {
        if (subscription.Held is { } held)
        {
            subscription.Held = null;
            foreach (PendingWebhook pending in held)
            {
                subscription.Queue.Enqueue(pending);
            }
        }
    }

    private bool ChanceLocked(double rate) => rate >= 1 || (rate > 0 && _random.NextDouble() < rate);

    private TimeSpan DrawDelayLocked(EmulatorWebhookFaults faults)
    {
        TimeSpan min = faults.Delay;
        TimeSpan max = faults.MaxDelay ?? min;
        return max > min
            ? min + TimeSpan.FromTicks((long)(_random.NextDouble() * (max - min).Ticks))
            : min;
    }

    private void ScheduleLocked(TimeSpan delay, PendingWebhook[] unit, bool isRetry)
    {
        DateTimeOffset due = _timeProvider.GetUtcNow() + delay;
        bool earliest = !_scheduled.TryPeek(out _, out var first) || due < first.Due;
        _scheduled.Enqueue(new ScheduledWebhook(unit, isRetry), (due, _scheduleSequence++));
        if (earliest)
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            DateTimeOffset now = _timeProvider.GetUtcNow();
            while (_scheduled.TryPeek(out ScheduledWebhook? scheduled, out var key) && key.Due <= now)
            {
                _scheduled.Dequeue();
                EmulatorWebhookSubscription subscription = scheduled.Unit[0].Subscription;
                if (subscription.Removed)
                {
                    continue;
                }

                if (scheduled.IsRetry)
                {
                    subscription.Queue.Enqueue(scheduled.Unit[0]);
                    StartLaneLocked(subscription);
                }
                else
                {
                    // A late delivery can still release one held back by the reorder fault.
                    EnqueueUnitLocked(subscription, scheduled.Unit, reorderRate: 0);
                }
            }

            if (_scheduled.TryPeek(out _, out var next))
            {
                _timer.Change(next.Due - now, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>A delivery (or a duplicated pair) waiting for its time: a delay or a retry.</summary>
    private sealed record ScheduledWebhook(PendingWebhook[] Unit, bool IsRetry);
}
