using StripeTerminalKit.Contract.Tests.Scenarios;
using StripeTerminalKit.Contract.Tests.Targets;

namespace StripeTerminalKit.Contract.Tests;

// The three targets. CI runs Target=Emulator and Target=EmulatorServer; Target=Stripe runs only
// when selected (README.md), and then fails every scenario if STRIPE_API_KEY holds no test key.

/// <summary>(a) The scenarios on the in-process emulator.</summary>
[Trait("Target", "Emulator")]
public sealed class OnInProcessEmulator(InProcessEmulatorTarget target) : CheckoutScenarios<InProcessEmulatorTarget>(target);

/// <summary>(a) The customer's cancel, on the in-process emulator (Stripe has no test helper for it).</summary>
[Trait("Target", "Emulator")]
public sealed class CustomerCancelOnInProcessEmulator(InProcessEmulatorTarget target) : CustomerCancelScenarios<InProcessEmulatorTarget>(target);

/// <summary>(b) The scenarios on the emulator server, over HTTP from another process.</summary>
[Trait("Target", "EmulatorServer")]
public sealed class OnEmulatorServer(EmulatorServerTarget target) : CheckoutScenarios<EmulatorServerTarget>(target);

/// <summary>(c) The scenarios on Stripe in test mode (STRIPE_API_KEY).</summary>
[Trait("Target", "Stripe")]
public sealed class OnStripeTestMode(StripeTestModeTarget target) : CheckoutScenarios<StripeTestModeTarget>(target);
