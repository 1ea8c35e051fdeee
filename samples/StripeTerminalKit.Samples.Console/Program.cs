using StripeTerminalKit.Samples.ConsoleApp;

// A full card-present payment on a simulated Stripe Reader S700 with ITerminalCheckout.
// No arguments: the café cart on the in-process emulator. `--help` lists the options.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C cancels the checkout cleanly; the kit still voids or refunds as needed.
    e.Cancel = true;
    stop.Cancel();
};

return await CommandLine.InvokeAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, stop.Token);
