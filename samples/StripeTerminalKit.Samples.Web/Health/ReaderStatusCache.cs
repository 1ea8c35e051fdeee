using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Samples.Web.Hosting;

namespace StripeTerminalKit.Samples.Web.Health;

/// <summary>How often the host lists its readers for <c>/health</c>: bound from the <c>Health</c> section.</summary>
public sealed class ReaderStatusOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Health";

    /// <summary>Seconds between two reader lists (one <c>terminal.readers.list</c> call each, whatever the traffic).</summary>
    [Range(1, 3600)]
    public int RefreshSeconds { get; set; } = 10;
}

/// <summary>The shop's readers as last listed, and when.</summary>
/// <param name="Readers">The readers.</param>
/// <param name="At">When they were listed.</param>
public sealed record ReaderStatusSnapshot(IReadOnlyList<TerminalReader> Readers, DateTimeOffset At);

/// <summary>
/// The reader view <c>/health</c> serves: refreshed by one background loop every
/// <see cref="ReaderStatusOptions.RefreshSeconds"/> (and from the readers a device lists), so no
/// health request ever calls Stripe; a refresh that is due when asked is shared by every caller
/// (single flight). Each refresh also renews the shop's memory of its own readers, which is how
/// a checkout's reader is checked without a Stripe call.
/// </summary>
public sealed partial class ReaderStatusCache(
    ITerminalReaders readers,
    Shop shop,
    TimeProvider time,
    IOptions<ReaderStatusOptions> options,
    ILogger<ReaderStatusCache> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private ReaderStatusSnapshot? _latest;
    private Task<ReaderStatusSnapshot?>? _refreshing;
    private CancellationToken _stopping;

    /// <summary>The time between refreshes.</summary>
    public TimeSpan Interval => TimeSpan.FromSeconds(options.Value.RefreshSeconds);

    /// <summary>The latest list, or null when none succeeded yet.</summary>
    public ReaderStatusSnapshot? Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    /// <summary>Whether the latest list is too old to report (three refreshes missed).</summary>
    public bool IsStale(ReaderStatusSnapshot snapshot) => time.GetUtcNow() - snapshot.At > 3 * Interval;

    /// <summary>Takes a fresher list (a device's <c>GET /api/readers</c>) at no cost.</summary>
    public void Update(IReadOnlyList<TerminalReader> listed)
    {
        var now = time.GetUtcNow();
        foreach (var reader in listed)
        {
            shop.RememberReader(reader.Id, now);
        }

        lock (_gate)
        {
            if (_latest is null || _latest.At <= now)
            {
                _latest = new ReaderStatusSnapshot(listed, now);
            }
        }
    }

    /// <summary>
    /// Lists the readers now, or joins the list already under way (single flight: lists never
    /// overlap). Cancelling stops this caller's wait, not the list others share.
    /// </summary>
    public Task<ReaderStatusSnapshot?> RefreshAsync(CancellationToken cancellationToken = default)
    {
        Task<ReaderStatusSnapshot?> shared;
        lock (_gate)
        {
            if (_refreshing is not { IsCompleted: false })
            {
                _refreshing = ListAsync(_stopping);
            }

            shared = _refreshing;
        }

        return shared.WaitAsync(cancellationToken);
    }

    /// <summary>Lists the readers once before the server takes requests, so the first health request already has a view.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The shared list stops with the host.
        lock (_gate)
        {
            _stopping = stoppingToken;
        }

        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RefreshAsync(stoppingToken);
        }
    }

    private async Task<ReaderStatusSnapshot?> ListAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var list = new List<TerminalReader>();
            await foreach (var reader in readers.ListAsync(new ReaderListFilter { LocationId = shop.Location.Id }, cancellationToken: cancellationToken))
            {
                list.Add(reader);
            }

            Update(list);
            return Latest;
        }
        catch (StripeTerminalException exception)
        {
            LogRefreshFailed(logger, exception.GetType().Name);
            return Latest;
        }
        catch (InvalidOperationException)
        {
            // The shop is not set up yet.
            return Latest;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping.
            return Latest;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not list the readers for /health ({Error}); the last list is kept")]
    private static partial void LogRefreshFailed(ILogger logger, string error);
}

/// <summary>Registration.</summary>
internal static class ReaderStatusCacheRegistration
{
    public static IServiceCollection AddReaderStatusCache(this IServiceCollection services)
    {
        services.AddOptions<ReaderStatusOptions>().BindConfiguration(ReaderStatusOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReaderStatusCache>();
        services.AddHostedService(sp => sp.GetRequiredService<ReaderStatusCache>());
        return services;
    }
}
