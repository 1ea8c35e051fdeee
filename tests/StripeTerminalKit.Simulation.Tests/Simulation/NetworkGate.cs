namespace StripeTerminalKit.Simulation.Tests.Simulation;

/// <summary>
/// The simulated network between one kit process and the emulator. Every request parks here
/// until the world releases it, one at a time and in an order drawn from the seed, so the
/// emulator sees the same sequence of requests on every replay of a seed. When the process
/// crashes, parked requests either reach Stripe with their answer lost or never leave, and
/// anything the dead process still tries to send fails at once.
/// </summary>
internal sealed class NetworkGate(SimSync sync)
{
    private readonly Lock _gate = new();
    private readonly List<ParkedRequest> _parked = [];
    private bool _dead;

    /// <summary>While true, requests go straight through (set-up calls the world awaits itself).</summary>
    public bool Passthrough { get; set; }

    public bool IsDead
    {
        get
        {
            lock (_gate)
            {
                return _dead;
            }
        }
    }

    public DelegatingHandler CreateHandler() => new GateHandler(this);

    /// <summary>The parked requests in a replayable order.</summary>
    public ParkedRequest[] Snapshot()
    {
        lock (_gate)
        {
            var copy = _parked.ToArray();
            Array.Sort(copy, static (a, b) => string.CompareOrdinal(a.SortKey, b.SortKey));
            return copy;
        }
    }

    public void Release(ParkedRequest request, ReleaseMode mode)
    {
        lock (_gate)
        {
            if (!_parked.Remove(request))
            {
                return;
            }
        }

        sync.AddParked(-1);
        request.Decide(mode);
    }

    /// <summary>The process died: take every parked request out (the caller decides their fate).</summary>
    public ParkedRequest[] Die()
    {
        ParkedRequest[] parked;
        lock (_gate)
        {
            _dead = true;
            parked = _parked.ToArray();
            _parked.Clear();
        }

        Array.Sort(parked, static (a, b) => string.CompareOrdinal(a.SortKey, b.SortKey));
        sync.AddParked(-parked.Length);
        return parked;
    }

    private bool TryPark(ParkedRequest request)
    {
        lock (_gate)
        {
            if (_dead)
            {
                return false;
            }

            _parked.Add(request);
        }

        sync.AddParked(1);
        return true;
    }

    private void Unpark(ParkedRequest request)
    {
        bool removed;
        lock (_gate)
        {
            removed = _parked.Remove(request);
        }

        if (removed)
        {
            sync.AddParked(-1);
        }
    }

    private sealed class GateHandler(NetworkGate gate) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (gate.Passthrough)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var key = request.Headers.TryGetValues("Idempotency-Key", out var keys) ? string.Join(",", keys) : "";
            var parked = new ParkedRequest($"{request.RequestUri?.PathAndQuery}\n{request.Method}\n{key}\n{body}");
            if (!gate.TryPark(parked))
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Simulated crash: this process is dead.");
            }

            ReleaseMode mode;
            using (cancellationToken.Register(static s => ((ParkedRequest)s!).Cancel(), parked))
            {
                try
                {
                    mode = await parked.Decision;
                }
                catch (OperationCanceledException)
                {
                    gate.Unpark(parked);
                    throw;
                }
            }

            if (mode == ReleaseMode.Drop)
            {
                parked.Forwarded();
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Simulated crash: the request never left the process.");
            }

            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, CancellationToken.None);
            }
            finally
            {
                parked.Forwarded();
            }

            if (mode == ReleaseMode.DeliverAndLoseResponse)
            {
                response.Dispose();
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Simulated crash: the request reached Stripe but the process died before the answer.");
            }

            return response;
        }
    }
}

/// <summary>What happens to a parked request.</summary>
internal enum ReleaseMode
{
    /// <summary>It reaches the emulator and the answer comes back.</summary>
    Deliver,

    /// <summary>It reaches the emulator; the answer is lost.</summary>
    DeliverAndLoseResponse,

    /// <summary>It never leaves the process.</summary>
    Drop,
}

/// <summary>One request waiting at the gate.</summary>
internal sealed class ParkedRequest(string sortKey)
{
    private readonly TaskCompletionSource<ReleaseMode> _decision = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _forwarded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string SortKey { get; } = sortKey;

    public Task<ReleaseMode> Decision => _decision.Task;

    /// <summary>Completes once the emulator has answered it (or it was dropped).</summary>
    public Task Done => _forwarded.Task;

    public void Decide(ReleaseMode mode) => _decision.TrySetResult(mode);

    public void Cancel() => _decision.TrySetCanceled();

    public void Forwarded() => _forwarded.TrySetResult();
}
