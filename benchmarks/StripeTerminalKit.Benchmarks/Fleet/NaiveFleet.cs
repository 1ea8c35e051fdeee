using System.Diagnostics;
using Stripe;
using Stripe.Terminal;

namespace StripeTerminalKit.Benchmarks.Fleet;

/// <summary>
/// What many integrations write by hand: create the PaymentIntent, hand it to the reader, then
/// read the reader every second until its action is done, and capture. No webhooks, no shared
/// budget; a 429 is retried at the next second. Same fleet, same customers, same clock.
/// </summary>
internal static class NaiveFleet
{
    private enum Step
    {
        Idle,
        Create,
        Process,
        Poll,
        Capture,
    }

    private sealed class Till(ReaderPlan plan)
    {
        public ReaderPlan Plan { get; } = plan;

        public Step Step { get; set; }

        public DateTimeOffset DueAt { get; set; }

        public string? PaymentIntentId { get; set; }

        public int Attempt { get; set; }
    }

    public static async Task<FleetResult> RunAsync(FleetSettings settings, string name)
    {
        var wall = Stopwatch.StartNew();
        await using var world = await FleetWorld.CreateAsync(settings);
        var stripe = world.Emulator.CreateStripeClient();
        var tills = world.Plans.Select(p => new Till(p)).ToArray();
        var latencies = new List<TimeSpan>();
        int started = 0, succeeded = 0;
        var interval = TimeSpan.FromSeconds(1);
        var drainLimit = world.End + TimeSpan.FromMinutes(10);
        var work = new List<Task>();
        while (true)
        {
            var now = world.Time.GetUtcNow();
            var active = false;
            work.Clear();
            foreach (var till in tills)
            {
                if (till.Step == Step.Idle && now < world.End && now >= till.Plan.NextArrival)
                {
                    till.Plan.CustomerArrived();
                    till.Plan.Served++;
                    till.Step = Step.Create;
                    till.DueAt = now;
                    started++;
                }

                if (till.Step == Step.Idle)
                {
                    continue;
                }

                active = true;
                if (now >= till.DueAt)
                {
                    work.Add(AdvanceAsync(till));
                }
            }

            await Task.WhenAll(work);
            var drain = world.Emulator.Webhooks.DrainAsync();
            await drain;
            if ((!active && now >= world.End) || now >= drainLimit)
            {
                break;
            }

            world.Time.Advance(settings.Step);
        }

        return FleetResult.From(name, world.Emulator.RequestLog, world.Start, started, succeeded, latencies, wall.Elapsed);

        async Task AdvanceAsync(Till till)
        {
            var now = world.Time.GetUtcNow();
            try
            {
                switch (till.Step)
                {
                    case Step.Create:
                        till.PaymentIntentId = (await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
                        {
                            Amount = FleetSettings.AmountOf(till.Plan.Served),
                            Currency = "aud",
                            AllowedPaymentMethodTypes = ["card_present"],
                            PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions { CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions { CaptureMethod = "manual_preferred" } },
                        }, new RequestOptions { IdempotencyKey = $"{till.Plan.ReaderId}-{till.Plan.Served}-create" })).Id;
                        till.Step = Step.Process;
                        till.DueAt = now;
                        await AdvanceAsync(till);
                        return;
                    case Step.Process:
                        await stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(till.Plan.ReaderId, new ReaderProcessPaymentIntentOptions { PaymentIntent = till.PaymentIntentId },
                            new RequestOptions { IdempotencyKey = $"{till.Plan.ReaderId}-{till.Plan.Served}-process" });
                        till.Step = Step.Poll;
                        till.DueAt = now + interval;
                        return;
                    case Step.Poll:
                        var reader = await stripe.V1.Terminal.Readers.GetAsync(till.Plan.ReaderId);
                        if (reader.Action?.Status == "succeeded")
                        {
                            till.Step = Step.Capture;
                            await AdvanceAsync(till);
                        }
                        else if (reader.Action?.Status == "failed")
                        {
                            Finish(till, ok: false);
                        }
                        else
                        {
                            till.DueAt = now + interval;
                        }

                        return;
                    case Step.Capture:
                        await stripe.V1.PaymentIntents.CaptureAsync(till.PaymentIntentId, null, new RequestOptions { IdempotencyKey = $"{till.Plan.ReaderId}-{till.Plan.Served}-capture" });
                        Finish(till, ok: true);
                        return;
                }
            }
            catch (StripeException exception) when ((int)exception.HttpStatusCode == 429)
            {
                // Rate limited: try the same step again next second.
                till.DueAt = now + interval;
            }
        }

        void Finish(Till till, bool ok)
        {
            lock (latencies)
            {
                if (ok)
                {
                    succeeded++;
                }

                if (till.Plan.TapAt is { } tapAt)
                {
                    latencies.Add(world.Time.GetUtcNow() - tapAt);
                }
            }

            till.Plan.TapAt = null;
            till.Step = Step.Idle;
        }
    }
}
