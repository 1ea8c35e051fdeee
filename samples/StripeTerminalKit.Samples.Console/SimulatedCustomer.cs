using Stripe;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Samples.ConsoleApp;

/// <summary>
/// The person at the reader. On the emulator it is the emulator's customer; in Stripe test mode
/// it is Stripe's <c>present_payment_method</c> test helper, which taps a test card on a
/// simulated reader. A real reader needs neither: a real customer taps a real card.
/// </summary>
internal abstract class SimulatedCustomer
{
    /// <summary>Whether the customer can press cancel on the reader (Stripe has no test helper for it).</summary>
    public abstract bool CanCancelOnReader { get; }

    /// <summary>Taps <paramref name="cardNumber"/> on the reader, adding <paramref name="tip"/> cents.</summary>
    public abstract Task<bool> TapAsync(string readerId, string cardNumber, long tip, CancellationToken cancellationToken);

    /// <summary>Presses cancel on the reader.</summary>
    public abstract Task<bool> CancelOnReaderAsync(string readerId, CancellationToken cancellationToken);
}

/// <summary>The customer at an emulated reader.</summary>
internal sealed class EmulatedCustomer(StripeEmulator emulator) : SimulatedCustomer
{
    public override bool CanCancelOnReader => true;

    public override Task<bool> TapAsync(string readerId, string cardNumber, long tip, CancellationToken cancellationToken) =>
        Task.FromResult(emulator.Customer.Tap(readerId, cardNumber, tip > 0 ? tip : null));

    public override Task<bool> CancelOnReaderAsync(string readerId, CancellationToken cancellationToken) =>
        Task.FromResult(emulator.Customer.CancelOnReader(readerId));
}

/// <summary>The customer at a simulated reader in Stripe test mode, through Stripe's test helper.</summary>
internal sealed class StripeTestModeCustomer(StripeClient stripe) : SimulatedCustomer
{
    public override bool CanCancelOnReader => false;

    public override async Task<bool> TapAsync(string readerId, string cardNumber, long tip, CancellationToken cancellationToken)
    {
        await stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(
            readerId,
            new Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions
            {
                Type = "card_present",
                CardPresent = new Stripe.TestHelpers.Terminal.ReaderCardPresentOptions { Number = cardNumber },
                AmountTip = tip > 0 ? tip : null,
            },
            cancellationToken: cancellationToken);
        return true;
    }

    public override Task<bool> CancelOnReaderAsync(string readerId, CancellationToken cancellationToken) => Task.FromResult(false);
}
