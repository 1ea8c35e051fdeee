using System.Globalization;

namespace StripeTerminalKit.Crash.Tests;

/// <summary>What the POS does with a checkout after the customer's part.</summary>
internal enum SaleKind
{
    /// <summary>Country-default capture: the backend captures on its own once the customer taps.</summary>
    Automatic,

    /// <summary>Manual capture: authorised at the tap, then the POS captures.</summary>
    ManualCapture,

    /// <summary>Paid, then the POS refunds it in full.</summary>
    Refunded,

    /// <summary>The POS cancels while the reader waits for the customer.</summary>
    Canceled,
}

/// <summary>When the web sample is killed during this checkout (at most one kill per checkout).</summary>
internal enum KillMoment
{
    /// <summary>Not killed during this checkout.</summary>
    None,

    /// <summary>A few milliseconds after the POS sent the start: mid-create.</summary>
    Create,

    /// <summary>While the reader waits for the customer; the customer taps (or the POS later cancels) while the sample is dead.</summary>
    Reader,

    /// <summary>Mid-capture: just after the tap (the backend captures) or just after the POS's capture request.</summary>
    Capture,

    /// <summary>Just after the customer entered a receipt email on the reader: mid-save of <c>receipt_email</c>.</summary>
    Form,

    /// <summary>Just after the POS's refund request.</summary>
    Refund,
}

/// <summary>One planned checkout; everything random about it comes from the run's seed.</summary>
internal sealed record PlannedCheckout(
    int Index,
    string CheckoutId,
    int Lane,
    long Amount,
    SaleKind Kind,
    KillMoment Kill,
    int TapDelayMs,
    int KillDelayMs,
    int DowntimeMs,
    bool AsksForEmail = false)
{
    /// <summary>What the customer types into the reader's receipt-email form (the API reference's example).</summary>
    public const string Email = "someone@example.com";

    /// <summary>The outcome Stripe and the backend must both show at the end.</summary>
    public string ExpectedState => Kind switch
    {
        SaleKind.Refunded => "refunded",
        SaleKind.Canceled => "canceled",
        _ => "succeeded",
    };
}

/// <summary>The whole run, drawn from <see cref="Random"/>(seed) before anything starts.</summary>
internal static class CrashPlan
{
    private static readonly int[] SafeCents = [0, 10, 20, 30, 40, 50, 70, 80, 90];

    public static IReadOnlyList<PlannedCheckout> Create(int seed, int checkouts, int kills, int lanes)
    {
        if (checkouts < kills)
        {
            throw new ArgumentOutOfRangeException(nameof(kills), "At most one kill per checkout.");
        }

        var random = new Random(seed);
        var kinds = new SaleKind[checkouts];
        var amounts = new long[checkouts];
        var taps = new int[checkouts];
        for (var i = 0; i < checkouts; i++)
        {
            var roll = random.NextDouble();
            kinds[i] = roll < 0.40 ? SaleKind.Automatic : roll < 0.65 ? SaleKind.ManualCapture : roll < 0.85 ? SaleKind.Refunded : SaleKind.Canceled;
            // Never one of Stripe's documented test amounts that decline (…01, 05, 55, 60, 65, 75) or ask for a PIN (…02, 03).
            amounts[i] = (random.Next(1, 200) * 100) + SafeCents[random.Next(0, SafeCents.Length)];
            taps[i] = random.Next(50, 600);
        }

        // One kill in each of `kills` equal slices of the run, the moments taken in turn and the
        // sale adjusted so the moment exists (a refund kill needs a refund, a form kill a form).
        var moments = new KillMoment[checkouts];
        var killDelays = new int[checkouts];
        var downtimes = new int[checkouts];
        // Which sales ask for a receipt email on the reader: a stream of its own, so the rest of the plan is as before.
        var forms = new Random(seed ^ 0x0e3a11);
        var asksForEmail = Enumerable.Range(0, checkouts).Select(_ => forms.Next(0, 4) == 0).ToArray();
        KillMoment[] cycle = [KillMoment.Create, KillMoment.Reader, KillMoment.Capture, KillMoment.Refund, KillMoment.Form];
        for (var k = 0; k < kills; k++)
        {
            var index = Math.Min(checkouts - 1, (int)((k + random.NextDouble()) * checkouts / kills));
            var moment = cycle[(k + random.Next(0, cycle.Length)) % cycle.Length];
            moments[index] = moment;
            killDelays[index] = random.Next(0, 40);
            downtimes[index] = random.Next(0, 1500);
            asksForEmail[index] |= moment == KillMoment.Form;

            kinds[index] = moment switch
            {
                KillMoment.Refund => SaleKind.Refunded,
                KillMoment.Capture => random.Next(0, 2) == 0 ? SaleKind.Automatic : SaleKind.ManualCapture,
                _ => kinds[index],
            };
        }

        return [.. Enumerable.Range(0, checkouts).Select(i => new PlannedCheckout(
            i,
            string.Create(CultureInfo.InvariantCulture, $"crash-{seed}-{i:D5}"),
            i % lanes,
            amounts[i],
            kinds[i],
            moments[i],
            taps[i],
            killDelays[i],
            downtimes[i],
            asksForEmail[i]))];
    }
}
