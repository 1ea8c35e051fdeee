using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Samples.ConsoleApp;

/// <summary>
/// One full card-present payment with <see cref="ITerminalCheckout"/>: ensure the shop's
/// location, register a simulated Stripe Reader S700, start the checkout (which shows the cart on
/// the reader), follow it live while the simulated customer taps, and print the receipt.
/// On the in-process emulator by default; against Stripe test mode when <c>STRIPE_API_KEY</c>
/// holds a test key. The code is the same: only the DI registration differs.
/// </summary>
public static class CheckoutSample
{
    /// <summary>The environment variable that switches the sample to Stripe test mode.</summary>
    public const string ApiKeyVariable = "STRIPE_API_KEY";

    private const string StoreKey = "stk-sample-flinders-lane";
    private static readonly CultureInfo Aud = CultureInfo.GetCultureInfo("en-AU");

    /// <summary>The café cart used when no amount is given: A$17.50, GST included.</summary>
    public static IReadOnlyList<CheckoutCartLine> DefaultCart { get; } =
    [
        new("Flat white", 550, 2),
        new("Banana bread", 650, 1),
    ];

    /// <summary>Runs the sample and returns its exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="options">What to run.</param>
    /// <param name="output">Where the progress and the receipt go.</param>
    /// <param name="environment">Reads an environment variable (tests pass their own, so they never reach Stripe).</param>
    /// <param name="cancellationToken">Ctrl+C: cancels the checkout, which still ends cleanly.</param>
    public static async Task<int> RunAsync(SampleOptions options, TextWriter output, Func<string, string?> environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(environment);

        var apiKey = environment(ApiKeyVariable);
        var stripeMode = !string.IsNullOrWhiteSpace(apiKey);
        if (stripeMode && !IsTestKey(apiKey!))
        {
            // Never print the key, not even a part of it.
            output.WriteLine($"Refused: {ApiKeyVariable} is not a test-mode key (sk_test_… or rk_test_…). This sample never moves real money.");
            return ExitCodes.Config;
        }

        if (stripeMode && options.Scenario is SampleScenario.CustomerCancel or SampleScenario.ReaderOffline)
        {
            output.WriteLine($"The {Describe(options.Scenario)} scenario needs the emulator: Stripe test mode cannot press the reader's cancel button or unplug it. Unset {ApiKeyVariable} to run it.");
            return ExitCodes.Config;
        }

        var cardNumber = SampleCards.Resolve(options.Card);
        if (cardNumber is null)
        {
            output.WriteLine($"Unknown card '{options.Card}'. Use one of {string.Join(", ", SampleCards.ByName.Keys)} or a test card number.");
            return ExitCodes.Usage;
        }

        await using var emulator = stripeMode ? null : new StripeEmulator(new StripeEmulatorOptions { Seed = 7 });
        var services = new ServiceCollection();
        var kit = services.AddStripeTerminalKit(o =>
        {
            o.Country = "AU";
            if (stripeMode)
            {
                o.ApiKey = apiKey;
            }
        });
        if (emulator is not null)
        {
            // The emulator signs webhooks as Stripe does; the kit verifies them like any other.
            kit.UseEmulator(emulator);
            services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(emulator.Webhooks.Secret));
        }

        // A console app has no public URL for webhooks in test mode: the checkout polls instead.
        kit.AddCheckout(o => o.WebhooksEnabled = emulator is not null);

        await using var provider = services.BuildServiceProvider();
        if (emulator is not null)
        {
            var processor = provider.GetRequiredService<IStripeWebhookProcessor>();
            emulator.Webhooks.Subscribe((delivery, ct) =>
                processor.ProcessAsync(System.Text.Encoding.UTF8.GetBytes(delivery.Payload), delivery.SignatureHeader, ct).AsTask());
        }

        SimulatedCustomer customer = emulator is not null
            ? new EmulatedCustomer(emulator)
            : new StripeTestModeCustomer(new StripeClient(apiKey));

        output.WriteLine(emulator is not null
            ? "StripeTerminalKit console sample — on the in-process emulator (no network, no Stripe account)"
            : "StripeTerminalKit console sample — on Stripe TEST mode with a simulated reader");
        output.WriteLine();

        try
        {
            return await new Run(options, cardNumber, output, provider, customer, emulator).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StripeTerminalException exception)
        {
            output.WriteLine($"Stopped: {exception.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>Whether the key is a test-mode secret or restricted key.</summary>
    public static bool IsTestKey(string apiKey) =>
        apiKey.StartsWith("sk_test_", StringComparison.Ordinal) || apiKey.StartsWith("rk_test_", StringComparison.Ordinal);

    internal static string Money(long cents) => (cents / 100m).ToString("C", Aud);

    private static string Describe(SampleScenario scenario) => scenario switch
    {
        SampleScenario.CustomerCancel => "customer-cancel",
        SampleScenario.ReaderOffline => "reader-offline",
        SampleScenario.DeclineThenSecondCard => "decline-then-second-card",
        SampleScenario.Refund => "refund",
        _ => "pay",
    };

    /// <summary>One run: the steps in order, sharing the services and the clock.</summary>
    private sealed class Run(SampleOptions options, string cardNumber, TextWriter output, IServiceProvider services, SimulatedCustomer customer, StripeEmulator? emulator)
    {
        private readonly TimeProvider _time = TimeProvider.System;
        private readonly ITerminalCheckout _checkout = services.GetRequiredService<ITerminalCheckout>();
        private long _startedAt;
        private int _taps;

        public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
        {
            var location = await EnsureLocationAsync(cancellationToken).ConfigureAwait(false);
            var reader = await EnsureReaderAsync(location, cancellationToken).ConfigureAwait(false);

            var lines = options.Amount is { } amount ? [new CheckoutCartLine("Sale", amount, 1)] : DefaultCart;
            var total = lines.Sum(l => l.Amount * l.Quantity);
            PrintCart(lines, total);

            if (options.Scenario == SampleScenario.ReaderOffline)
            {
                emulator!.Faults.SetReaderOffline(reader.Id);
                Say("The reader's network cable is unplugged (emulated fault).");
            }

            var request = new CheckoutRequest
            {
                // The order reference is the checkout's identity: starting it again resumes the same payment.
                CheckoutId = "sample-" + _time.GetUtcNow().ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture),
                Amount = total,
                Currency = "aud",
                ReaderId = reader.Id,
                CartLines = lines,
                Description = "StripeTerminalKit console sample",
                Flow = options.TwoStep ? CheckoutFlow.CollectThenConfirm : CheckoutFlow.ProcessInOneStep,
                CaptureMode = options.ManualCapture ? CheckoutCaptureMode.Manual : CheckoutCaptureMode.CountryDefault,
                // Stop after the first decline unless the scenario retries with another card.
                WaitForRetryAfterDecline = options.Scenario == SampleScenario.DeclineThenSecondCard,
                Timeout = TimeSpan.FromMinutes(2),
            };

            _startedAt = _time.GetTimestamp();
            var handle = await _checkout.StartAsync(request, cancellationToken).ConfigureAwait(false);
            Say($"Checkout {request.CheckoutId} started for {Money(total)} on {reader.Label}.");
            using var cashierCancel = ScheduleCashierCancel(request.CheckoutId);

            // Ctrl+C cancels the checkout: the kit cancels the reader action and the PaymentIntent.
            using var ctrlC = cancellationToken.Register(() => _ = _checkout.CancelAsync(request.CheckoutId, CancellationToken.None));
            CheckoutState? shown = null;
            await foreach (var update in handle.WatchAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (update.State != shown)
                {
                    Say(Progress(update.State));
                    shown = update.State;
                }

                await ReactAsync(update, reader.Id, cancellationToken).ConfigureAwait(false);
            }

            var result = await handle.WaitForCompletionAsync(CancellationToken.None).ConfigureAwait(false);
            return await FinishAsync(result, lines, cancellationToken).ConfigureAwait(false);
        }

        private async Task<TerminalLocation> EnsureLocationAsync(CancellationToken cancellationToken)
        {
            var locations = services.GetRequiredService<ITerminalLocations>();
            var ensured = await locations.EnsureAsync(
                StoreKey,
                new CreateLocationRequest("Flinders Lane Cafe", new TerminalAddress("AU", Line1: "12 Flinders Lane", City: "Melbourne", State: "VIC", PostalCode: "3000")),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            Say($"Location  {ensured.Location.Id}  {ensured.Location.DisplayName} ({(ensured.Created ? "created" : "found")})");
            return ensured.Location;
        }

        private async Task<TerminalReader> EnsureReaderAsync(TerminalLocation location, CancellationToken cancellationToken)
        {
            var readers = services.GetRequiredService<ITerminalReaders>();

            // Reuse the simulated S700 from an earlier run (in test mode readers persist).
            await foreach (var existing in readers.ListAsync(new ReaderListFilter { LocationId = location.Id, DeviceType = "simulated_stripe_s700" }, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                Say($"Reader    {existing.Id}  {existing.Label} ({existing.DeviceType}, {existing.NetworkStatus}, found)");
                return existing;
            }

            var reader = await readers.RegisterAsync(new RegisterReaderRequest("simulated-s700") { LocationId = location.Id, Label = "Front counter" }, cancellationToken: cancellationToken).ConfigureAwait(false);
            Say($"Reader    {reader.Id}  {reader.Label} ({reader.DeviceType}, {reader.NetworkStatus}, registered)");
            return reader;
        }

        private void PrintCart(IReadOnlyList<CheckoutCartLine> lines, long total)
        {
            output.WriteLine();
            output.WriteLine("Cart");
            foreach (var line in lines)
            {
                output.WriteLine($"  {line.Quantity} x {line.Description,-24}{Money(line.Amount * line.Quantity),10}");
            }

            output.WriteLine($"  {"Total (GST incl.)",-28}{Money(total),10}");
            output.WriteLine();
        }

        private IDisposable? ScheduleCashierCancel(string checkoutId)
        {
            if (options.CancelAfter is not { } after)
            {
                return null;
            }

            return _time.CreateTimer(
                _ =>
                {
                    Say($"The cashier presses Cancel after {after.TotalSeconds:0.#} s.");
                    _ = _checkout.CancelAsync(checkoutId, CancellationToken.None);
                },
                null,
                after,
                Timeout.InfiniteTimeSpan);
        }

        /// <summary>The simulated customer and cashier react to what the reader shows.</summary>
        private async Task ReactAsync(CheckoutUpdate update, string readerId, CancellationToken cancellationToken)
        {
            switch (update.State)
            {
                case CheckoutState.WaitingForCustomer when options.CancelAfter is null:
                    _ = ActAsCustomerAsync(readerId, cancellationToken);
                    break;
                case CheckoutState.AwaitingRetry:
                    Say("Declined. The cashier asks for another card and retries on the same PaymentIntent.");
                    var retry = await _checkout.RetryAsync(update.CheckoutId, cancellationToken).ConfigureAwait(false);
                    if (retry.Status != CheckoutOperationStatus.Accepted)
                    {
                        Say($"Retry refused ({retry.Rejection}); cancelling.");
                        await _checkout.CancelAsync(update.CheckoutId, cancellationToken).ConfigureAwait(false);
                    }

                    break;
            }
        }

        private async Task ActAsCustomerAsync(string readerId, CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(options.TapAfter, _time, cancellationToken).ConfigureAwait(false);
                if (options.Scenario == SampleScenario.CustomerCancel)
                {
                    Say("The customer presses Cancel on the reader.");
                    await customer.CancelOnReaderAsync(readerId, cancellationToken).ConfigureAwait(false);
                    return;
                }

                var tap = Interlocked.Increment(ref _taps);
                var card = options.Scenario == SampleScenario.DeclineThenSecondCard && tap == 1 ? TestCards.InsufficientFunds
                    : options.Scenario == SampleScenario.DeclineThenSecondCard ? TestCards.Mastercard
                    : cardNumber;
                var tip = options.Tip;
                Say($"The customer taps a card ending {card[^4..]}{(tip > 0 ? $" and adds a {Money(tip)} tip" : "")}.");
                if (!await customer.TapAsync(readerId, card, tip, cancellationToken).ConfigureAwait(false))
                {
                    Say("The reader was no longer waiting for a card.");
                }
            }
            catch (OperationCanceledException)
            {
            }
#pragma warning disable CA1031 // a failed simulated tap is reported, and the checkout's deadline still ends the payment
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Say($"The simulated tap failed: {exception.Message}");
            }
        }

        private async Task<int> FinishAsync(CheckoutResult result, IReadOnlyList<CheckoutCartLine> lines, CancellationToken cancellationToken)
        {
            output.WriteLine();
            switch (result)
            {
                case CheckoutSucceeded paid:
                    if (!paid.Captured)
                    {
                        Say($"Authorised {Money(paid.Amount)}; the cashier captures it.");
                        var capture = await _checkout.CaptureAsync(paid.CheckoutId, cancellationToken: cancellationToken).ConfigureAwait(false);
                        if (capture.Status != CheckoutOperationStatus.Succeeded)
                        {
                            Say($"Capture {capture.Status}: {capture.Rejection?.ToString() ?? capture.Code}");
                            return ExitCodes.NeedsAttention;
                        }

                        paid = paid with { AmountCaptured = capture.Amount };
                    }

                    Receipt.Write(output, paid, lines);
                    if (options.Scenario == SampleScenario.Refund)
                    {
                        return await RefundAsync(paid, cancellationToken).ConfigureAwait(false);
                    }

                    return ExitCodes.Paid;
                case CheckoutDeclined declined:
                    output.WriteLine($"DECLINED ({declined.DeclineCode}). No money moved; the PaymentIntent {declined.PaymentIntentId} was cancelled.");
                    return ExitCodes.Declined;
                case CheckoutCanceled canceled:
                    output.WriteLine($"CANCELLED by the {canceled.CanceledBy.ToString().ToLowerInvariant()}. No money kept{(canceled.Voided ? " (the authorisation was voided)" : "")}; PaymentIntent {canceled.PaymentIntentId ?? "(none)"}.");
                    return ExitCodes.Canceled;
                case CheckoutFailed failed:
                    output.WriteLine($"FAILED: {failed.Reason} ({failed.Code}). No money kept; PaymentIntent {failed.PaymentIntentId ?? "(none)"}.");
                    return ExitCodes.Failed;
                case CheckoutNeedsAttention attention:
                    output.WriteLine($"NEEDS ATTENTION: {attention.Reason} ({attention.Code}). Check PaymentIntent {attention.PaymentIntentId} in the Dashboard.");
                    return ExitCodes.NeedsAttention;
                default:
                    return ExitCodes.Error;
            }
        }

        private async Task<int> RefundAsync(CheckoutSucceeded paid, CancellationToken cancellationToken)
        {
            output.WriteLine();
            Say("The customer brings it back: the cashier refunds it in full.");
            var refund = await _checkout.RefundAsync(paid.CheckoutId, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (refund.Status != CheckoutOperationStatus.Succeeded)
            {
                output.WriteLine($"REFUND {refund.Status}: {refund.Rejection?.ToString() ?? refund.Code}");
                return ExitCodes.NeedsAttention;
            }

            output.WriteLine($"REFUNDED {Money(refund.Amount)} AUD  {refund.RefundId}");
            return ExitCodes.Paid;
        }

        private void Say(string message)
        {
            var elapsed = _startedAt == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_startedAt);
            output.WriteLine(_startedAt == 0 ? message : $"  [{elapsed:mm\\:ss\\.f}] {message}");
        }

        private static string Progress(CheckoutState state) => state switch
        {
            CheckoutState.Created => "Checkout accepted.",
            CheckoutState.CreatingPaymentIntent => "Creating the PaymentIntent…",
            CheckoutState.DisplayingCart => "Showing the cart on the reader…",
            CheckoutState.SendingToReader => "Sending the payment to the reader…",
            CheckoutState.WaitingForCustomer => "Reader: \"Tap, insert or swipe\" — waiting for the customer…",
            CheckoutState.Confirming => "Card read; confirming the payment…",
            CheckoutState.Verifying => "Checking with Stripe what happened…",
            CheckoutState.Capturing => "Approved; capturing…",
            CheckoutState.Canceling => "Cancelling…",
            CheckoutState.AwaitingRetry => "Reader: \"Declined\".",
            CheckoutState.Authorized => "Approved (authorised, not yet captured).",
            CheckoutState.Succeeded => "Approved and captured.",
            CheckoutState.Declined => "Declined.",
            CheckoutState.Canceled => "Cancelled.",
            CheckoutState.Failed => "Failed.",
            CheckoutState.NeedsAttention => "Needs attention.",
            _ => state.ToString(),
        };
    }
}
