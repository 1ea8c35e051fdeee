using Microsoft.Extensions.DependencyInjection;
using Stripe;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Contract.Tests.Targets;

/// <summary>(a) The emulator in this process, plugged into Stripe.net as a message handler.</summary>
public sealed class InProcessEmulatorTarget : ContractTarget
{
    private StripeEmulator _emulator = null!;
    private StripeClient _stripe = null!;

    /// <inheritdoc />
    public override string Name => "the in-process emulator";

    /// <inheritdoc />
    public override StripeClient Stripe => _stripe;

    /// <inheritdoc />
    public override bool CanCustomerCancel => true;

    /// <inheritdoc />
    public override Task CustomerCancelsAsync(string readerId) =>
        _emulator.Customer.CancelOnReader(readerId) ? Task.CompletedTask : throw new InvalidOperationException($"Reader {readerId} was not waiting for the customer.");

    /// <inheritdoc />
    protected override void ConfigureKit(StripeTerminalOptions options)
    {
    }

    /// <inheritdoc />
    protected override void Connect(StripeTerminalKitBuilder builder) => builder.UseEmulator(_emulator);

    /// <inheritdoc />
    public override Task InitializeAsync()
    {
        _emulator = new StripeEmulator(new StripeEmulatorOptions { Seed = 1313 });
        _stripe = _emulator.CreateStripeClient();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task DisposeAsync() => await _emulator.DisposeAsync();
}
