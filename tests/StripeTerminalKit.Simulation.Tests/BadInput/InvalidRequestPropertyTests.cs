using System.Globalization;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using Xunit.Abstractions;
using KitKey = StripeTerminalKit.Idempotency.IdempotencyKey;

namespace StripeTerminalKit.Simulation.Tests.BadInput;

/// <summary>
/// Property-based: CsCheck generates requests across the public API, each with at least one
/// defect (amounts, currencies, ids, metadata, cart totals, idempotency keys, addresses, checkout
/// fields). Every one must be refused with a <see cref="TerminalValidationException"/> naming a
/// parameter, and not one request may reach the emulator. Valid requests generated alongside are
/// accepted. <c>STK_BAD_INPUT_ITERATIONS</c> sets the number of invalid requests (CI: 100,000).
/// </summary>
public sealed class InvalidRequestPropertyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Seed = "0N0XIzNsQ0O2";

    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("STK_BAD_INPUT_ITERATIONS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 100_000;

    private readonly StripeEmulator _emulator = new();
    private ServiceProvider _services = null!;
    private string _readerId = "";
    private string _paymentIntentId = "";
    private long _refused;

    private ITerminalPayments Payments => _services.GetRequiredService<ITerminalPayments>();

    private ITerminalReaders Readers => _services.GetRequiredService<ITerminalReaders>();

    private ITerminalLocations Locations => _services.GetRequiredService<ITerminalLocations>();

    private ITerminalCheckout Checkout => _services.GetRequiredService<ITerminalCheckout>();

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator(_emulator).AddCheckout();
        _services = services.BuildServiceProvider();
        var location = await Locations.CreateAsync(new CreateLocationRequest("Shop", new TerminalAddress("AU", "1 Collins St", null, "Melbourne", "VIC", "3000")));
        _readerId = (await Readers.RegisterAsync(new RegisterReaderRequest("simulated-s700") { LocationId = location.Id })).Id;
        _paymentIntentId = (await Payments.CreateAsync(new CreatePaymentRequest(1000))).Id;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Every_generated_invalid_request_is_refused_with_a_typed_error_and_none_reaches_stripe()
    {
        var before = _emulator.RequestLog.Count;
        var byFamily = new long[Families.Length];

        await BadRequest.SampleAsync(
            async bad =>
            {
                Interlocked.Increment(ref byFamily[bad.Family]);
                TerminalValidationException error;
                try
                {
                    error = await Assert.ThrowsAsync<TerminalValidationException>(() => SendAsync(bad));
                }
                catch (Exception exception) when (exception is not TerminalValidationException)
                {
                    throw new InvalidOperationException($"{Families[bad.Family]} {bad} was not refused as invalid: {exception.Message}", exception);
                }

                Assert.False(string.IsNullOrEmpty(error.Parameter), $"{bad}: the error names no parameter");
                Interlocked.Increment(ref _refused);
            },
            seed: Seed,
            iter: Iterations,
            threads: 1,
            print: bad => bad.ToString());

        output.WriteLine($"bad input: {_refused:N0} invalid requests refused with TerminalValidationException; {_emulator.RequestLog.Count - before} reached the emulator");
        output.WriteLine("  by family: " + string.Join(", ", Families.Select((f, i) => $"{f} {byFamily[i]:N0}")));
        Assert.Equal(Iterations, _refused);
        Assert.Equal(before, _emulator.RequestLog.Count);
    }

    [Fact]
    public async Task Generated_valid_requests_are_accepted()
    {
        var accepted = 0;
        await ValidPayment.SampleAsync(
            async request =>
            {
                var payment = await Payments.CreateAsync(request);
                Assert.Equal(request.Amount, payment.Amount);
                Interlocked.Increment(ref accepted);
            },
            seed: Seed,
            iter: 2_000,
            threads: 1);

        await ValidCheckout.SampleAsync(
            async request =>
            {
                var handle = await Checkout.StartAsync(request with { ReaderId = _readerId });
                Assert.Equal(CheckoutOperationStatus.Accepted, (await Checkout.CancelAsync(handle.CheckoutId)).Status);
                await handle.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(30));
                Interlocked.Increment(ref accepted);
            },
            seed: Seed,
            iter: 200,
            threads: 1);

        output.WriteLine($"valid input: {accepted:N0} generated valid requests accepted");
        Assert.Equal(2_200, accepted);
    }

    // ───────────────────────────── generators ─────────────────────────────

    private static readonly string[] Families =
    [
        "payment amount", "payment currency", "payment metadata", "idempotency key", "object id",
        "reader cart", "location address", "checkout request", "refund", "capture amount",
    ];

    /// <summary>A request with a defect: the family, which defect, and values to build it from.</summary>
    private sealed record Bad(int Family, int Defect, long Number, string Text)
    {
        public override string ToString() => $"family {Family} defect {Defect} number {Number} text \"{Text}\"";
    }

    private static readonly Gen<string> AnyText = Gen.String[Gen.Char, 0, 60];

    private static readonly Gen<Bad> BadRequest =
        Gen.Select(Gen.Int[0, Families.Length - 1], Gen.Int[0, 7], Gen.Long, AnyText, (family, defect, number, text) => new Bad(family, defect, number, text));

    private static readonly Gen<CreatePaymentRequest> ValidPayment =
        Gen.Select(Gen.Long[50, CheckoutRequest.MaxAmount], Gen.Int[0, 2].Select(i => i switch { 0 => "aud", 1 => "AUD", _ => (string?)null }), Gen.Int[0, 49], (amount, currency, keys) => new CreatePaymentRequest(amount)
        {
            Currency = currency,
            Metadata = Enumerable.Range(0, keys).ToDictionary(i => "k" + i.ToString(CultureInfo.InvariantCulture), i => new string('v', i * 10)),
        });

    private static readonly Gen<CheckoutRequest> ValidCheckout =
        Gen.Select(Gen.Long[50, 1_000_000], Gen.Int[1, 5], Gen.Bool, (amount, quantity, cart) => new CheckoutRequest
        {
            CheckoutId = "valid-" + Guid.NewGuid().ToString("N"),
            Amount = amount * quantity,
            Currency = "aud",
            ReaderId = "tmr_placeholder",
            CartLines = cart ? [new CheckoutCartLine("Item", amount, quantity)] : null,
        });

    // ───────────────────────────── the bad requests ─────────────────────────────

    private Task SendAsync(Bad bad) => bad.Family switch
    {
        0 => Payments.CreateAsync(new CreatePaymentRequest(BadAmount(bad))),
        1 => Payments.CreateAsync(new CreatePaymentRequest(1000) { Currency = BadCurrency(bad) }),
        2 => Payments.CreateAsync(new CreatePaymentRequest(1000) { Metadata = BadMetadata(bad) }),
        3 => Payments.CreateAsync(new CreatePaymentRequest(1000), new TerminalCallOptions { IdempotencyKey = new KitKey(BadKey(bad)) }),
        4 => BadIdCallAsync(bad),
        5 => Readers.ShowCartAsync(_readerId, BadCart(bad)),
        6 => Locations.CreateAsync(new CreateLocationRequest("Shop", BadAddress(bad))),
        7 => Checkout.StartAsync(BadCheckout(bad)),
        8 => Payments.RefundAsync(new CreateRefundRequest(_paymentIntentId) { Amount = NonPositive(bad.Number) }),
        _ => Payments.CaptureAsync(_paymentIntentId, NonPositive(bad.Number)),
    };

    private static long NonPositive(long n) => n > 0 ? -n : n;

    /// <summary>≤ 0, above 99,999,999, or under the 50-cent aud minimum.</summary>
    private static long BadAmount(Bad bad) => (bad.Defect % 3) switch
    {
        0 => NonPositive(bad.Number),
        1 => CheckoutRequest.MaxAmount + 1 + Math.Abs(bad.Number % 1_000_000_000),
        _ => 1 + Math.Abs(bad.Number % 49),
    };

    /// <summary>Not ISO 4217, or a real currency an Australian Terminal account cannot take.</summary>
    private static string BadCurrency(Bad bad) => (bad.Defect % 4) switch
    {
        0 => "usd",
        1 => new[] { "eur", "gbp", "cad", "nzd", "jpy", "sgd" }[Math.Abs(bad.Number % 6)],
        2 => "x" + new string((char)('a' + Math.Abs(bad.Number % 26)), 2) + "z",
        _ => string.IsNullOrWhiteSpace(bad.Text) || bad.Text.Trim().Length != 3 ? bad.Text + "##" : "q" + bad.Text,
    };

    private static Dictionary<string, string> BadMetadata(Bad bad) => (bad.Defect % 4) switch
    {
        // More than 50 keys.
        0 => Enumerable.Range(0, 51 + (int)Math.Abs(bad.Number % 20)).ToDictionary(i => "k" + i.ToString(CultureInfo.InvariantCulture), _ => "v"),
        // A key over 40 characters.
        1 => new() { [new string('k', 41 + (int)Math.Abs(bad.Number % 40))] = "v" },
        // A value over 500 characters.
        2 => new() { ["note"] = new string('v', 501 + (int)Math.Abs(bad.Number % 500)) },
        // Square brackets in a key (they would change the form encoding).
        _ => new() { ["a[" + bad.Text + "]"] = "v" },
    };

    /// <summary>Empty, over 255 characters, or not printable ASCII.</summary>
    private static string BadKey(Bad bad) => (bad.Defect % 3) switch
    {
        0 => "",
        1 => new string('k', 256 + (int)Math.Abs(bad.Number % 500)),
        _ => "key-" + (char)(0x80 + Math.Abs(bad.Number % 0x700)) + bad.Text,
    };

    private Task BadIdCallAsync(Bad bad)
    {
        var id = (bad.Defect % 4) switch
        {
            0 => "",
            1 => "pi_" + bad.Text + "/../v1/refunds",
            2 => "ch_" + (bad.Number & long.MaxValue).ToString(CultureInfo.InvariantCulture),
            _ => "pi_" + new string('x', 300),
        };
        return (bad.Number & 3) switch
        {
            0 => Payments.GetAsync(id),
            1 => Payments.CaptureAsync(id),
            2 => Payments.CancelAsync(id),
            _ => Payments.ProcessOnReaderAsync(_readerId, id),
        };
    }

    /// <summary>A total that is not lines × quantity + tax, a negative line or tax, or no lines.</summary>
    private static ReaderCart BadCart(Bad bad)
    {
        var unit = 1 + Math.Abs(bad.Number % 10_000);
        var lines = new[] { new CartLineItem("Flat white", unit, 2) };
        return (bad.Defect % 4) switch
        {
            0 => new ReaderCart("aud", lines, 0, (unit * 2) + 1 + Math.Abs(bad.Number % 100)),
            1 => new ReaderCart("aud", [new CartLineItem("Refund?", -unit, 1)], 0, -unit),
            2 => new ReaderCart("aud", lines, -unit, unit),
            _ => new ReaderCart("aud", [], 0, 0),
        };
    }

    /// <summary>A country that is not a country, or an Australian address without state or a 4-digit postcode.</summary>
    private static TerminalAddress BadAddress(Bad bad) => (bad.Defect % 4) switch
    {
        0 => new TerminalAddress("", "1 Collins St", null, "Melbourne", "VIC", "3000"),
        1 => new TerminalAddress("AU", "1 Collins St", null, "Melbourne", null, "3000"),
        2 => new TerminalAddress("AU", "1 Collins St", null, "Melbourne", "VIC", (Math.Abs(bad.Number % 1000)).ToString(CultureInfo.InvariantCulture)),
        _ => new TerminalAddress("NZ", "1 Queen St", null, "Auckland", null, "1010"),
    };

    private CheckoutRequest BadCheckout(Bad bad)
    {
        var valid = new CheckoutRequest { CheckoutId = "bad-" + bad.Number.ToString(CultureInfo.InvariantCulture), Amount = 1000, Currency = "aud", ReaderId = _readerId };
        return (bad.Defect % 8) switch
        {
            0 => valid with { Amount = BadAmount(bad) },
            1 => valid with { Currency = BadCurrency(bad) },
            2 => valid with { Metadata = BadMetadata(bad) },
            3 => valid with { CheckoutId = bad.Number % 2 == 0 ? "" : new string('c', CheckoutRequest.MaxCheckoutIdLength + 1) },
            4 => valid with { ReaderId = "rdr_" + (bad.Number & long.MaxValue).ToString(CultureInfo.InvariantCulture) },
            5 => valid with { CartLines = [new CheckoutCartLine("Item", 999 - Math.Abs(bad.Number % 500), 1)] },
            6 => valid with { Timeout = bad.Number % 2 == 0 ? TimeSpan.Zero : TimeSpan.FromHours(2) },
            _ => valid with { TipEligibleAmount = valid.Amount + 1 + Math.Abs(bad.Number % 1000) },
        };
    }
}
