using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Stripe;
using PresentOptions = Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions;

namespace StripeTerminalKit.Crash.Tests;

/// <summary>One restart of the sample and the checkouts it had to resume.</summary>
internal sealed class Restart
{
    public required int Number { get; init; }

    /// <summary>Checkouts unfinished (started, not yet final in the store) when the sample was killed.</summary>
    public required HashSet<string> Pending { get; init; }

    /// <summary>When the new process was started.</summary>
    public long StartedAt { get; set; }

    /// <summary>From the new process's start to the last of <see cref="Pending"/> final in the store.</summary>
    public TimeSpan? SettledAfter { get; set; }

    /// <summary>The next kill came before everything settled: not measured.</summary>
    public bool CutByNextKill { get; set; }
}

/// <summary>
/// Drives the plan: one POS device per reader (a lane) takes its checkouts one after the other;
/// the customer taps through Stripe's test helper on the emulator server; a checkout that carries
/// a kill SIGKILLs the sample at its moment and starts it again after its downtime. Kills never
/// overlap (one at a time), so each restart's resume can be timed.
/// </summary>
internal sealed class CrashDriver(SystemUnderTest system, IReadOnlyList<PlannedCheckout> plan, int lanes, CancellationToken outer) : IDisposable
{
    // The first lane that fails stops the others at once.
    private readonly CancellationTokenSource _abort = CancellationTokenSource.CreateLinkedTokenSource(outer);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(90);

    private readonly SemaphoreSlim _chaos = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> _unfinished = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PaymentIntent> _intents = new(StringComparer.Ordinal);
    private readonly List<Restart> _restarts = [];
    private readonly Lock _gate = new();
    private string[] _readers = [];
    private int _reattached;
    private int _posRetries;

    public List<KillMoment> Kills { get; } = [];

    public IReadOnlyList<Restart> Restarts
    {
        get
        {
            lock (_gate)
            {
                return [.. _restarts];
            }
        }
    }

    public ConcurrentQueue<string> Notes { get; } = new();

    public int Reattached => _reattached;

    public int PosRetries => _posRetries;

    public async Task RunAsync()
    {
        _readers = await ReadersAsync();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        var watcher = WatchRestartsAsync(stopWatching.Token);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, lanes).Select(RunLaneAsync));
        }
        finally
        {
            await stopWatching.CancelAsync();
            try
            {
                await watcher;
            }
            catch (OperationCanceledException)
            {
            }
        }

        // The last restart's checkouts may still be settling; the caller waits for those with no POS request.
        if (!system.SampleRunning)
        {
            throw new InvalidOperationException("The sample is not running after the last kill.");
        }
    }

    private async Task<string[]> ReadersAsync()
    {
        using var client = system.Device(0);
        var readers = await client.GetFromJsonAsync<ReaderAnswer[]>("/api/readers", Json, _abort.Token) ?? [];
        return [.. Enumerable.Range(0, lanes).Select(lane => readers.Single(r => r.Label == SystemUnderTest.LaneLabel(lane)).Id)];
    }

    private async Task RunLaneAsync(int lane)
    {
        using var pos = system.Device(lane);
        try
        {
            foreach (var checkout in plan.Where(p => p.Lane == lane))
            {
                await RunCheckoutAsync(pos, checkout);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !_abort.IsCancellationRequested)
        {
            await _abort.CancelAsync();
            throw;
        }
    }

    public void Dispose()
    {
        _abort.Dispose();
        _chaos.Dispose();
    }

    private async Task RunCheckoutAsync(HttpClient pos, PlannedCheckout c)
    {
        var reader = _readers[c.Lane];
        var start = new
        {
            checkoutId = c.CheckoutId,
            readerId = reader,
            amount = c.Amount,
            captureMode = c.Kind == SaleKind.ManualCapture ? "manual" : null,
            skipTipping = true,
            collectReceiptEmail = c.AsksForEmail,
        };
        _unfinished[c.CheckoutId] = true;

        // 1. The POS starts the sale; a start that got no answer is sent again (same id: the same checkout).
        if (c.Kill == KillMoment.Create)
        {
            await KillAsync(c, async () =>
            {
                Task sent = PostAsync(pos, "/api/checkouts", start);
                await Task.Delay(c.KillDelayMs, _abort.Token);
                return sent;
            });
        }

        await UntilAsync(c, "the start is accepted", async () => await PostAsync(pos, "/api/checkouts", start) is HttpStatusCode.Accepted);

        // 2. The reader asks for a receipt email, which the customer enters (the sample may be killed as it saves it).
        if (c.AsksForEmail)
        {
            await WaitForFormAsync(c, reader);
            if (c.Kill == KillMoment.Form)
            {
                await KillAsync(c, async () =>
                {
                    await EnterEmailAsync(c, reader);
                    await Task.Delay(c.KillDelayMs, _abort.Token);
                    return (Task?)null;
                });
            }
            else
            {
                await EnterEmailAsync(c, reader);
            }
        }

        // 3. The reader shows the sale.
        var intent = await WaitForReaderActionAsync(c, reader);

        // 4. The customer taps (or the POS cancels while the reader waits).
        if (c.Kill == KillMoment.Reader)
        {
            await KillAsync(c, async () =>
            {
                await Task.Delay(c.TapDelayMs, _abort.Token);
                if (c.Kind != SaleKind.Canceled)
                {
                    await TapAsync(c, reader);
                }

                return (Task?)null;
            });
        }
        else if (c.Kill == KillMoment.Capture && c.Kind == SaleKind.Automatic)
        {
            await Task.Delay(c.TapDelayMs, _abort.Token);
            await KillAsync(c, async () =>
            {
                await TapAsync(c, reader);
                await Task.Delay(c.KillDelayMs, _abort.Token);
                return (Task?)null;
            });
        }
        else if (c.Kind != SaleKind.Canceled)
        {
            await Task.Delay(c.TapDelayMs, _abort.Token);
            await TapAsync(c, reader);
        }

        if (c.Kind == SaleKind.Canceled)
        {
            await Task.Delay(c.TapDelayMs, _abort.Token);
            await OperateAsync(pos, c, start, "cancel", "canceled", kill: false);
        }

        // 5. The backend settles the sale on its own (after a restart: from its store, without the POS).
        var completed = await UntilAsync(c, "the store holds the checkout final", async () =>
            await system.Store.LoadAsync(c.CheckoutId, _abort.Token) is { Completed: true } record ? record : null);
        _unfinished.TryRemove(c.CheckoutId, out _);
        var expectedAfterSale = c.Kind switch
        {
            SaleKind.ManualCapture => "authorized",
            SaleKind.Canceled => "canceled",
            _ => "succeeded",
        };
        var state = SigkillRestartTests.StateName(completed.State);
        if (state != expectedAfterSale)
        {
            Notes.Enqueue($"{c.CheckoutId} ({c.Kind}, kill {c.Kill}) completed {state}, expected {expectedAfterSale} (PaymentIntent {intent.Id})");
            return;
        }

        // 6. What the POS does after the sale: capture, refund.
        if (c.Kind == SaleKind.ManualCapture)
        {
            await OperateAsync(pos, c, start, "capture", "succeeded", kill: c.Kill == KillMoment.Capture);
        }
        else if (c.Kind == SaleKind.Refunded)
        {
            await OperateAsync(pos, c, start, "refund", "refunded", kill: c.Kill == KillMoment.Refund);
        }
    }

    /// <summary>
    /// A POS operation, sent again until the backend gives a definite answer (a real POS does not
    /// know Stripe's side): 200, or a refusal that shows the checkout already in <paramref name="goal"/>.
    /// A 404 after a restart means the sample's POS API no longer knows the sale (its sales journal
    /// is in memory): the POS sends its start again, which brings the stored checkout back.
    /// </summary>
    private async Task OperateAsync(HttpClient pos, PlannedCheckout c, object start, string operation, string goal, bool kill)
    {
        var path = $"/api/checkouts/{c.CheckoutId}/{operation}";
        if (kill)
        {
            await KillAsync(c, async () =>
            {
                Task sent = SendOperationAsync(pos, path);
                await Task.Delay(c.KillDelayMs, _abort.Token);
                return sent;
            });
        }

        await UntilAsync(c, $"the {operation} is answered", async () =>
        {
            var (status, state) = await SendOperationAsync(pos, path);
            switch (status)
            {
                case HttpStatusCode.OK:
                    return true;
                case HttpStatusCode.Conflict when state == goal:
                    return true;
                case HttpStatusCode.NotFound:
                    Interlocked.Increment(ref _reattached);
                    await PostAsync(pos, "/api/checkouts", start);
                    return false;
                default:
                    return false;
            }
        });
    }

    private async Task<(HttpStatusCode Status, string? State)> SendOperationAsync(HttpClient pos, string path)
    {
        try
        {
            using var response = await pos.PostAsJsonAsync(path, new { }, Json, _abort.Token);
            string? state = null;
            if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_abort.Token));
                if (body.RootElement.TryGetProperty("checkout", out var checkout) && checkout.ValueKind == JsonValueKind.Object && checkout.TryGetProperty("state", out var s))
                {
                    state = s.GetString();
                }
            }

            return (response.StatusCode, state);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !_abort.Token.IsCancellationRequested)
        {
            Interlocked.Increment(ref _posRetries);
            return (0, null);
        }
    }

    private async Task<HttpStatusCode> PostAsync(HttpClient pos, string path, object body)
    {
        try
        {
            using var response = await pos.PostAsJsonAsync(path, body, Json, _abort.Token);
            return response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !_abort.Token.IsCancellationRequested)
        {
            Interlocked.Increment(ref _posRetries);
            return 0;
        }
    }

    /// <summary>Waits (reading Stripe, not the sample) until the lane's reader runs this checkout's PaymentIntent.</summary>
    private async Task<PaymentIntent> WaitForReaderActionAsync(PlannedCheckout c, string reader) =>
        await UntilAsync(c, "the reader shows the sale", async () =>
        {
            var r = await system.Stripe.V1.Terminal.Readers.GetAsync(reader, cancellationToken: _abort.Token);
            if (r.Action is { Status: "in_progress", ProcessPaymentIntent.PaymentIntentId: { } id })
            {
                if (!_intents.TryGetValue(id, out var intent))
                {
                    intent = await system.Stripe.V1.PaymentIntents.GetAsync(id, cancellationToken: _abort.Token);
                    _intents[id] = intent;
                }

                if (intent.Metadata?.GetValueOrDefault(TerminalCheckoutMetadata.CheckoutId) == c.CheckoutId)
                {
                    return intent;
                }
            }

            return null;
        });

    /// <summary>Waits (reading Stripe) until the lane's reader shows the receipt-email form.</summary>
    private async Task WaitForFormAsync(PlannedCheckout c, string reader) =>
        await UntilAsync(c, "the reader shows the receipt-email form", async () =>
            (await system.Stripe.V1.Terminal.Readers.GetAsync(reader, cancellationToken: _abort.Token)).Action is { Type: "collect_inputs", Status: "in_progress" });

    /// <summary>The customer fills the form in (Stripe's test helper enters the example address).</summary>
    private async Task EnterEmailAsync(PlannedCheckout c, string reader)
    {
        try
        {
            await system.Stripe.V1.TestHelpers.Terminal.Readers.SucceedInputCollectionAsync(
                reader,
                new Stripe.TestHelpers.Terminal.ReaderSucceedInputCollectionOptions { SkipNonRequiredInputs = "none" },
                cancellationToken: _abort.Token);
        }
        catch (StripeException exception)
        {
            Notes.Enqueue($"{c.CheckoutId}: the form could not be filled in ({exception.StripeError?.Code})");
        }
    }

    private async Task TapAsync(PlannedCheckout c, string reader)
    {
        try
        {
            await system.Stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(
                reader,
                new PresentOptions { Type = "card_present", CardPresent = new() { Number = "4242424242424242" } },
                cancellationToken: _abort.Token);
        }
        catch (StripeException exception)
        {
            // The reader no longer waits (the backend ended the sale meanwhile): the checks show it.
            Notes.Enqueue($"{c.CheckoutId}: the tap was refused ({exception.StripeError?.Code})");
        }
    }

    /// <summary>
    /// SIGKILLs the sample right after <paramref name="act"/> began (whatever it started keeps running
    /// against the dying process), waits the planned downtime, starts the sample again and waits
    /// until it serves. One kill at a time.
    /// </summary>
    private async Task KillAsync(PlannedCheckout c, Func<Task<Task?>> act)
    {
        await _chaos.WaitAsync(_abort.Token);
        try
        {
            var during = await act();
            Restart restart;
            lock (_gate)
            {
                foreach (var open in _restarts.Where(r => r.SettledAfter is null))
                {
                    open.CutByNextKill = true;
                }

                system.KillSample();
                Kills.Add(c.Kill);
                restart = new Restart { Number = Kills.Count, Pending = [.. _unfinished.Keys] };
            }

            if (during is { } pending)
            {
                // What the POS sent meets a dead process: it fails (or was answered just before).
                await pending.WaitAsync(StepDeadline, _abort.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            await Task.Delay(c.DowntimeMs, _abort.Token);
            restart.StartedAt = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                _restarts.Add(restart);
            }

            await system.StartSampleAsync(_abort.Token);
        }
        finally
        {
            _chaos.Release();
        }
    }

    /// <summary>Times each restart: from the new process's start until every checkout it had to resume is final in the store.</summary>
    private async Task WatchRestartsAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Restart[] open;
            lock (_gate)
            {
                open = [.. _restarts.Where(r => r.SettledAfter is null && !r.CutByNextKill)];
            }

            foreach (var restart in open)
            {
                foreach (var id in restart.Pending.ToArray())
                {
                    if (await system.Store.LoadAsync(id, stop) is { Completed: true })
                    {
                        restart.Pending.Remove(id);
                    }
                }

                if (restart.Pending.Count == 0)
                {
                    var settled = Stopwatch.GetElapsedTime(restart.StartedAt);
                    lock (_gate)
                    {
                        if (!restart.CutByNextKill)
                        {
                            restart.SettledAfter = settled;
                        }
                    }
                }
            }

            await Task.Delay(50, stop);
        }
    }

    /// <summary>Polls until <paramref name="probe"/> gives a value, through kills and restarts, with a deadline.</summary>
    private async Task<T> UntilAsync<T>(PlannedCheckout c, string what, Func<Task<T?>> probe)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            _abort.Token.ThrowIfCancellationRequested();
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or StripeException or TaskCanceledException && !_abort.Token.IsCancellationRequested)
            {
                last = exception;
            }

            if (clock.Elapsed > StepDeadline)
            {
                throw new TimeoutException($"{c.CheckoutId} ({c.Kind}, kill {c.Kill}): {what} did not happen within {StepDeadline.TotalSeconds:0} s{(last is null ? "" : " (last error: " + last.GetType().Name + ")")}");
            }

            await Task.Delay(100, _abort.Token);
        }
    }

    private async Task UntilAsync(PlannedCheckout c, string what, Func<Task<bool>> probe) =>
        await UntilAsync<object>(c, what, async () => await probe() ? new object() : null);

    private sealed record ReaderAnswer(string Id, string Label);
}
