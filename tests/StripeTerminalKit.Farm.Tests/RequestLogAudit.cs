using System.Globalization;

namespace StripeTerminalKit.Farm.Tests;

/// <summary>One entry of the emulator server's <c>GET /_emulator/requests</c>.</summary>
internal sealed record LoggedRequest(
    long Sequence,
    DateTimeOffset Time,
    string Method,
    string Path,
    string Operation,
    int Status,
    string? ErrorCode,
    string? IdempotencyKey,
    bool Replayed,
    string? UserAgent,
    string? PaymentIntent)
{
    /// <summary>POST and DELETE: what drives a checkout. Reads may come from any instance.</summary>
    public bool IsWrite => Method is "POST" or "DELETE";

    /// <summary>The farm instance that sent it (<c>stk-instance/web-1</c> at the end of its User-Agent), or null (the test itself).</summary>
    public string? Instance => RequestLogAudit.InstanceOf(UserAgent);
}

/// <summary>A farm instance (re)started at this moment: from then on it may take back what it drove before.</summary>
internal sealed record InstanceStart(string Instance, DateTimeOffset At);

/// <summary>
/// What the one-driver check saw: its findings, how many instance writes it tied to a checkout,
/// how many instances wrote for each checkout, and how many times a checkout changed driver.
/// </summary>
internal sealed record DriverReport(List<string> Findings, int Writes, IReadOnlyDictionary<string, int> DriversByCheckout, int Handovers)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Writes} instance writes tied to {DriversByCheckout.Count} checkouts, {Handovers} changes of driver, {Findings.Count} two-driver findings");
}

/// <summary>
/// The farm's request rate, per one-second window of the emulator's clock (the windows its rate
/// limiter counts in): the peak overall and per endpoint, and the 429s, by who got them.
/// </summary>
internal sealed record RateReport(
    int PeakPerSecond,
    int PeakInstancesPerSecond,
    int PeakEndpointPerSecond,
    string PeakEndpoint,
    int Throttled,
    int ThrottledInstanceReads,
    int ThrottledInstanceWrites,
    int ThrottledTest)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"peak {PeakPerSecond} requests/s ({PeakInstancesPerSecond}/s from the instances; live limit 100/s), peak {PeakEndpointPerSecond}/s on {PeakEndpoint} (limit 25/s per endpoint), {Throttled} answered 429 ({ThrottledInstanceReads} instance reads, {ThrottledInstanceWrites} instance writes, {ThrottledTest} the test's own)");
}

/// <summary>
/// Issue 16 item 8, "checked from the emulator's side": reads the emulator's request log for
/// (a) one driver per checkout at any time and (b) the account's request rate against the live limits.
/// Pure functions over the log, so they are tested on made-up logs too.
/// </summary>
internal static class RequestLogAudit
{
    public const string InstanceProduct = "stk-instance/";

    public static string? InstanceOf(string? userAgent)
    {
        if (userAgent is null)
        {
            return null;
        }

        var at = userAgent.LastIndexOf(InstanceProduct, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var name = userAgent[(at + InstanceProduct.Length)..];
        var end = name.IndexOf(' ', StringComparison.Ordinal);
        return end < 0 ? name : name[..end];
    }

    /// <summary>
    /// The checkout a request belongs to: the checkout id in the kit's idempotency key
    /// (<c>stk:&lt;checkout&gt;:&lt;step&gt;:&lt;n&gt;</c>), else the checkout of the PaymentIntent it
    /// concerned (PaymentIntent metadata <c>stk_checkout_id</c>), else null.
    /// </summary>
    public static string? CheckoutOf(LoggedRequest request, IReadOnlyDictionary<string, string> checkoutOfPaymentIntent)
    {
        if (request.IdempotencyKey is { } key && key.StartsWith("stk:", StringComparison.Ordinal))
        {
            var parts = key.Split(':');
            if (parts.Length == 4 && parts[1].Length > 0)
            {
                return parts[1];
            }
        }

        return request.PaymentIntent is { } pi && checkoutOfPaymentIntent.TryGetValue(pi, out var checkout) ? checkout : null;
    }

    /// <summary>
    /// (a) For each checkout, the instances that sent its writes, in the log's order, change only at
    /// a takeover: once X's writes are followed by Y's, X never writes for it again unless X was
    /// (re)started in between (a restarted instance may take a checkout back). One finding per breach.
    /// </summary>
    public static DriverReport OneDriverPerCheckout(
        IEnumerable<LoggedRequest> log,
        IReadOnlyDictionary<string, string> checkoutOfPaymentIntent,
        IReadOnlyCollection<InstanceStart> starts)
    {
        var findings = new List<string>();
        var handovers = 0;
        var writesByCheckout = new Dictionary<string, List<(LoggedRequest Request, string Instance)>>(StringComparer.Ordinal);
        foreach (var request in log.Where(r => r.IsWrite).OrderBy(r => r.Sequence))
        {
            if (request.Instance is { } instance && CheckoutOf(request, checkoutOfPaymentIntent) is { } checkout)
            {
                (writesByCheckout.TryGetValue(checkout, out var list) ? list : writesByCheckout[checkout] = []).Add((request, instance));
            }
        }

        foreach (var (checkout, writes) in writesByCheckout.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            // Each instance's last write so far; the instance that wrote last.
            var lastWrite = new Dictionary<string, LoggedRequest>(StringComparer.Ordinal);
            string? driver = null;
            foreach (var (request, instance) in writes)
            {
                if (driver is not null && instance != driver
                    && lastWrite.TryGetValue(instance, out var before)
                    && !starts.Any(s => s.Instance == instance && s.At > before.Time && s.At < request.Time))
                {
                    findings.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{checkout}: {instance} writes again ({request.Method} {request.Operation}, request {request.Sequence}) after {driver} took it over (request {lastWrite[driver].Sequence}), with no restart of {instance} since its write {before.Sequence}: two drivers"));
                }

                handovers += driver is not null && instance != driver ? 1 : 0;
                lastWrite[instance] = request;
                driver = instance;
            }
        }

        return new DriverReport(findings, writesByCheckout.Values.Sum(w => w.Count), writesByCheckout.ToDictionary(c => c.Key, c => c.Value.Select(w => w.Instance).Distinct().Count(), StringComparer.Ordinal), handovers);
    }

    /// <summary>(b) Requests per one-second window, overall, from the instances and per endpoint; and the 429s.</summary>
    public static RateReport Rates(IReadOnlyCollection<LoggedRequest> log)
    {
        var bySecond = log.GroupBy(r => r.Time.ToUnixTimeSeconds()).ToArray();
        var peak = bySecond.Length == 0 ? 0 : bySecond.Max(g => g.Count());
        var peakInstances = bySecond.Length == 0 ? 0 : bySecond.Max(g => g.Count(r => r.Instance is not null));
        var endpoint = bySecond
            .SelectMany(g => g.GroupBy(r => r.Operation).Select(e => (Operation: e.Key, Count: e.Count())))
            .OrderByDescending(e => e.Count)
            .FirstOrDefault();
        var throttled = log.Where(r => r.Status == 429).ToArray();
        return new RateReport(
            peak,
            peakInstances,
            endpoint.Count,
            endpoint.Operation ?? "none",
            throttled.Length,
            throttled.Count(r => r.Instance is not null && !r.IsWrite),
            throttled.Count(r => r.Instance is not null && r.IsWrite),
            throttled.Count(r => r.Instance is null));
    }

    /// <summary>Every 429 an instance got, as findings: the kit's budget must keep the farm under the live limits.</summary>
    public static IEnumerable<string> ThrottledInstanceRequests(IEnumerable<LoggedRequest> log) =>
        log.Where(r => r.Status == 429 && r.Instance is not null).Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{r.Instance} got 429 {r.ErrorCode} on {r.Method} {r.Operation} (request {r.Sequence} at {r.Time:HH:mm:ss.fff}): the farm went past the live rate limits"));
}
