using Microsoft.Extensions.DependencyInjection;
using Stripe.TestHelpers.Terminal;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Contract.Tests.Targets;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Contract.Tests.Scenarios;

/// <summary>
/// One scenario's shop on a target: a kit of its own, the shop's location (found again by its key)
/// and a freshly registered simulated S700, deleted at the end. The customer acts through Stripe's
/// documented test helper (<c>present_payment_method</c>), the same call on every target.
/// </summary>
internal sealed class Shop : IAsyncDisposable
{
    private Shop(ContractTarget target, ServiceProvider services, string readerId, string country)
    {
        Target = target;
        Services = services;
        ReaderId = readerId;
        Country = country;
        Checkout = services.GetRequiredService<ITerminalCheckout>();
        Readers = services.GetRequiredService<ITerminalReaders>();
        Payments = services.GetRequiredService<ITerminalPayments>();
    }

    public ContractTarget Target { get; }

    public ServiceProvider Services { get; }

    public string ReaderId { get; }

    public string Country { get; }

    public ITerminalCheckout Checkout { get; }

    public ITerminalReaders Readers { get; }

    public ITerminalPayments Payments { get; }

    /// <summary>Opens an Australian shop (or a Canadian one, for Interac).</summary>
    public static async Task<Shop> OpenAsync(ContractTarget target, string country = "AU")
    {
        var services = target.BuildKit(country);
        try
        {
            var locations = services.GetRequiredService<ITerminalLocations>();
            var address = country == "CA"
                ? new TerminalAddress("CA", Line1: "1 Queen Street W", City: "Toronto", State: "ON", PostalCode: "M5H 2N2")
                : new TerminalAddress("AU", Line1: "12 Flinders Lane", City: "Melbourne", State: "VIC", PostalCode: "3000");
            var location = await locations.EnsureAsync($"stk-contract-suite-{country.ToLowerInvariant()}", new CreateLocationRequest("StripeTerminalKit contract suite", address));
            var reader = await services.GetRequiredService<ITerminalReaders>().RegisterAsync(
                new RegisterReaderRequest("simulated-s700") { LocationId = location.Location.Id, Label = "Contract suite" });
            return new Shop(target, services, reader.Id, country);
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    /// <summary>A checkout id no earlier run used (Stripe keeps idempotency keys for a day).</summary>
    public static string NewId(string scenario) => $"{scenario}-{Guid.NewGuid():N}"[..Math.Min(scenario.Length + 13, 60)];

    public CheckoutRequest Sale(string scenario, long amount) => new()
    {
        CheckoutId = NewId(scenario),
        Amount = amount,
        Currency = Country == "CA" ? "cad" : "aud",
        ReaderId = ReaderId,
    };

    /// <summary>The customer taps a card (<c>present_payment_method</c>; <c>interac_present</c> for Interac).</summary>
    public Task PresentAsync(string cardNumber, bool interac = false) =>
        Target.Stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(ReaderId, interac
            ? new ReaderPresentPaymentMethodOptions { Type = "interac_present", InteracPresent = new ReaderInteracPresentOptions { Number = cardNumber } }
            : new ReaderPresentPaymentMethodOptions { Type = "card_present", CardPresent = new ReaderCardPresentOptions { Number = cardNumber } });

    /// <summary>Follows the checkout until it reaches <paramref name="state"/>; fails if it ends first or takes too long.</summary>
    public async Task<IReadOnlyList<CheckoutState>> WaitForAsync(CheckoutHandle handle, CheckoutState state)
    {
        using var timeout = new CancellationTokenSource(Target.StepTimeout);
        var seen = new List<CheckoutState>();
        try
        {
            await foreach (var update in handle.WatchAsync(timeout.Token))
            {
                seen.Add(update.State);
                if (update.State == state)
                {
                    return seen;
                }

                if (update.Result is not null)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"On {Target.Name}, checkout {handle.CheckoutId} did not reach {state} within {Target.StepTimeout}; it went {string.Join(" → ", seen)}.");
        }

        throw new InvalidOperationException($"On {Target.Name}, checkout {handle.CheckoutId} ended without reaching {state}: {string.Join(" → ", seen)}, {handle.Result}.");
    }

    public async Task<CheckoutResult> CompleteAsync(CheckoutHandle handle)
    {
        using var timeout = new CancellationTokenSource(Target.StepTimeout);
        return await handle.WaitForCompletionAsync(timeout.Token);
    }

    public async Task<T> WithinStepAsync<T>(Task<T> task)
    {
        using var timeout = new CancellationTokenSource(Target.StepTimeout);
        return await task.WaitAsync(timeout.Token);
    }

    /// <summary>
    /// Waits until the reader shows an action of <paramref name="type"/> in progress. Black-box: the
    /// reader is read again every 100 ms of real time (a real reader offers nothing to wait on).
    /// </summary>
    public async Task WaitForReaderActionAsync(StripeTerminalKit.Readers.ReaderActionType type)
    {
        using var timeout = new CancellationTokenSource(Target.StepTimeout);
        while (true)
        {
            var action = await Readers.GetCurrentActionAsync(ReaderId, null, timeout.Token);
            if (action is { Status: StripeTerminalKit.Readers.ReaderActionStatus.InProgress } && action.Type == type)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Readers.CancelActionAsync(ReaderId);
        }
        catch (Errors.StripeTerminalException)
        {
            // Nothing to cancel.
        }

        try
        {
            await Readers.DeleteAsync(ReaderId);
        }
        catch (Errors.StripeTerminalException)
        {
            // Best effort: a reader left behind on a Stripe test account is harmless.
        }

        await Services.DisposeAsync();
    }
}
