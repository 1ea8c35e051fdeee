using Microsoft.Extensions.Options;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Samples.Web.Hosting;

/// <summary>What start-up found or created: the shop's Terminal location.</summary>
public sealed class Shop
{
    /// <summary>How long a reader seen at the shop's location is trusted to still be there.</summary>
    private static readonly TimeSpan ReaderMemory = TimeSpan.FromMinutes(5);

    // Reader id → when it was last seen at the location. Starting a sale checks the reader belongs
    // to the shop; asking Stripe every time would spend the readers.get rate limit (25/s) that
    // the checkouts' own polling needs when the shop is busy.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _readers = new(StringComparer.Ordinal);
    private TerminalLocation? _location;

    /// <summary>The Terminal location of the shop, once start-up has ensured it.</summary>
    public TerminalLocation Location => _location ?? throw new InvalidOperationException("The shop is not set up yet.");

    /// <summary>Which Stripe the host talks to.</summary>
    public required HostMode Mode { get; init; }

    internal void SetLocation(TerminalLocation location) => _location = location;

    /// <summary>Whether the reader was seen at the shop's location recently enough to skip asking Stripe.</summary>
    public bool IsKnownReader(string readerId, DateTimeOffset now) =>
        _readers.TryGetValue(readerId, out var seen) && now - seen < ReaderMemory;

    /// <summary>Notes that the reader was just seen at the shop's location.</summary>
    public void RememberReader(string readerId, DateTimeOffset now) => _readers[readerId] = now;
}

/// <summary>
/// At start-up, before the server takes requests: finds or creates the shop's location
/// (idempotently, by a stable key) and registers the configured simulated readers that the
/// location does not have yet.
/// </summary>
internal sealed partial class ShopSetup(
    Shop shop,
    ITerminalLocations locations,
    ITerminalReaders readers,
    IOptions<ShopOptions> options,
    TimeProvider time,
    ILogger<ShopSetup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var ensured = await locations.EnsureAsync(
            o.LocationKey,
            new CreateLocationRequest(o.Name, new TerminalAddress(o.Country, Line1: o.Line1, City: o.City, State: o.State, PostalCode: o.PostalCode)),
            cancellationToken: cancellationToken);
        shop.SetLocation(ensured.Location);
        LogLocation(logger, new Untrusted(ensured.Location.Id), ensured.Created ? "created" : "found");

        var labels = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var reader in readers.ListAsync(new ReaderListFilter { LocationId = ensured.Location.Id }, cancellationToken: cancellationToken))
        {
            labels.Add(reader.Label);
            shop.RememberReader(reader.Id, time.GetUtcNow());
        }

        foreach (var wanted in o.SimulatedReaders)
        {
            if (labels.Add(wanted.Label))
            {
                var reader = await readers.RegisterAsync(new RegisterReaderRequest(wanted.RegistrationCode) { LocationId = ensured.Location.Id, Label = wanted.Label }, cancellationToken: cancellationToken);
                shop.RememberReader(reader.Id, time.GetUtcNow());

                // Labels and ids come from Stripe (and whoever edits the Dashboard): escaped in the log.
                LogReader(logger, new Untrusted(reader.Id), new Untrusted(reader.Label), new Untrusted(reader.DeviceType));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Terminal location {LocationId} {How}")]
    private static partial void LogLocation(ILogger logger, Untrusted locationId, string how);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered reader {ReaderId} '{Label}' ({DeviceType})")]
    private static partial void LogReader(ILogger logger, Untrusted readerId, Untrusted label, Untrusted deviceType);
}
