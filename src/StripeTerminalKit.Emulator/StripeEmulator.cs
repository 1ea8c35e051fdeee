namespace StripeTerminalKit.Emulator;

/// <summary>Placeholder until the engine lands.</summary>
public sealed partial class StripeEmulator
{
}
