using StripeTerminalKit.Polling;

namespace StripeTerminalKit.Checkout;

/// <summary>How checkouts watch for outcomes and share Stripe's request budget.</summary>
public sealed class StripeTerminalCheckoutOptions
{
    /// <summary>
    /// The most reads per second of each endpoint polled (the reader, the PaymentIntent, the reader
    /// list) for all checkouts of the account together; waiting checkouts share it first come, first
    /// served. Instances sharing one checkout store (a farm on PostgreSQL) split it evenly between
    /// the live ones, so the farm as a whole stays within it; a dead instance's share returns to the
    /// others once its lease runs out.
    /// Stripe allows 25 requests per second per endpoint (sandbox and live) and 25 (sandbox) or
    /// 100 (live) overall; the default leaves room for the calls that move money. With live keys
    /// and a large fleet, 20 uses the per-endpoint room and stays within it.
    /// </summary>
    public double PollRequestsPerSecond { get; set; } = 10;

    /// <summary>How many polls may go at once after a quiet spell.</summary>
    public int PollBurst { get; set; } = 5;

    /// <summary>
    /// The most writes in any one second to each endpoint a checkout writes to (creating, handing to
    /// the reader, capturing, and the rest together), for all checkouts of the account; split between
    /// the live instances of a farm like <see cref="PollRequestsPerSecond"/> (at least 1 each).
    /// Writes go at once while the second has room, so a busy second's captures go together, and
    /// only one that would pass the limit waits, instead of meeting a 429. Stripe allows 25 requests
    /// per second per endpoint; the default 20 leaves room for the application's own calls. Raise it
    /// only with a raised limit from Stripe.
    /// </summary>
    public int WriteRequestsPerSecond { get; set; } = WriteDefaults.RequestsPerSecond;

    /// <summary>
    /// Whether webhooks are set up (<c>MapStripeTerminalWebhooks</c>). While they arrive, a
    /// waiting checkout polls only as a slow safety net; without them it polls at full pace.
    /// </summary>
    public bool WebhooksEnabled { get; set; } = true;

    /// <summary>How often a waiting checkout polls while webhooks are healthy.</summary>
    public TimeSpan SafetyNetPollInterval { get; set; } = PollingDefaults.SafetyNet;

    /// <summary>
    /// How often the readers of waiting checkouts are listed while webhooks are down or disabled:
    /// one <c>GET /v1/terminal/readers</c> per page of 100 readers (per location, or across the
    /// account when that takes fewer requests), each action's PaymentIntent expanded, answers every
    /// checkout waiting on that page. An outcome is seen on average half this interval after the
    /// reader shows it. <see cref="TimeSpan.Zero"/> turns batching off: each checkout reads its own
    /// reader every <see cref="PollInterval"/>. A reader that no list shows is read alone.
    /// </summary>
    public TimeSpan BatchPollInterval { get; set; } = PollingDefaults.Batch;

    /// <summary>
    /// How often a waiting checkout reads its reader alone (batching off, or a reader no list shows)
    /// while webhooks are down or disabled, in the first minute of the wait (customers usually tap
    /// within it); after that every 5 seconds, or at this pace when it is slower.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = PollingDefaults.SingleRead;

    /// <summary>
    /// How long a completed checkout stays in the store after its last change; then the
    /// reconciler's pass removes it (<see cref="ICheckoutStore.PurgeCompletedAsync"/>). Defaults to
    /// 90 days: long enough to refund or look up a sale through the kit; after that, refund it
    /// through Stripe (the PaymentIntent carries the checkout id in its metadata). A completed
    /// checkout leaves process memory as soon as it completes, whatever this says.
    /// </summary>
    public TimeSpan CompletedRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long webhooks count as healthy after the last one arrived.</summary>
    public TimeSpan WebhookHealthWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// This server instance's name in the checkout store: each running checkout is driven by one
    /// instance under the lease <c>instance:{InstanceId}</c>. Defaults to the machine's name. In a
    /// farm, give every instance its own stable name (the pod or service name): two live
    /// processes with one name would both believe they own the same checkouts, and a restarted
    /// instance with its old name takes its checkouts back at once instead of after
    /// <see cref="LeaseDuration"/>.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// How long an instance's lease lasts without renewal (it renews every quarter of it while it
    /// lives). A dead instance's checkouts are taken over by a live instance, and resumed by
    /// re-reading Stripe, within 1¼ of it: 12.5 seconds with the default of 10 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = DefaultLeaseDuration;

    /// <summary>The default <see cref="LeaseDuration"/>.</summary>
    internal static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(10);

    /// <summary>The instance name in use: <see cref="InstanceId"/>, or the machine's name.</summary>
    internal string EffectiveInstanceId => string.IsNullOrWhiteSpace(InstanceId) ? Environment.MachineName : InstanceId;
}
