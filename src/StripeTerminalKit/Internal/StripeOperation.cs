namespace StripeTerminalKit.Internal;

/// <summary>One kind of Stripe call, named for logs, metrics and idempotency-key derivation.</summary>
/// <param name="Name">A stable, low-cardinality name such as <c>payment_intents.create</c>.</param>
/// <param name="UsesIdempotencyKey">Whether the call is a POST that must carry an idempotency key.</param>
internal sealed record StripeOperation(string Name, bool UsesIdempotencyKey)
{
    public static readonly StripeOperation LocationsCreate = new("locations.create", true);
    public static readonly StripeOperation LocationsGet = new("locations.get", false);
    public static readonly StripeOperation LocationsUpdate = new("locations.update", true);
    public static readonly StripeOperation LocationsDelete = new("locations.delete", false);
    public static readonly StripeOperation LocationsList = new("locations.list", false);

    public static readonly StripeOperation ReadersCreate = new("readers.create", true);
    public static readonly StripeOperation ReadersGet = new("readers.get", false);
    public static readonly StripeOperation ReadersUpdate = new("readers.update", true);
    public static readonly StripeOperation ReadersDelete = new("readers.delete", false);
    public static readonly StripeOperation ReadersList = new("readers.list", false);
    public static readonly StripeOperation ReadersSetDisplay = new("readers.set_reader_display", true);
    public static readonly StripeOperation ReadersCancelAction = new("readers.cancel_action", true);
    public static readonly StripeOperation ReadersCollectInputs = new("readers.collect_inputs", true);
    public static readonly StripeOperation ReadersProcessPaymentIntent = new("readers.process_payment_intent", true);
    public static readonly StripeOperation ReadersCollectPaymentMethod = new("readers.collect_payment_method", true);
    public static readonly StripeOperation ReadersConfirmPaymentIntent = new("readers.confirm_payment_intent", true);
    public static readonly StripeOperation ReadersProcessSetupIntent = new("readers.process_setup_intent", true);
    public static readonly StripeOperation ReadersRefundPayment = new("readers.refund_payment", true);

    public static readonly StripeOperation PaymentIntentsCreate = new("payment_intents.create", true);
    public static readonly StripeOperation PaymentIntentsGet = new("payment_intents.get", false);
    public static readonly StripeOperation PaymentIntentsList = new("payment_intents.list", false);
    public static readonly StripeOperation PaymentIntentsUpdate = new("payment_intents.update", true);
    public static readonly StripeOperation PaymentIntentsCapture = new("payment_intents.capture", true);
    public static readonly StripeOperation PaymentIntentsCancel = new("payment_intents.cancel", true);
    public static readonly StripeOperation PaymentIntentsIncrementAuthorization = new("payment_intents.increment_authorization", true);
    public static readonly StripeOperation ChargesGet = new("charges.get", false);
    public static readonly StripeOperation RefundsCreate = new("refunds.create", true);
    public static readonly StripeOperation RefundsGet = new("refunds.get", false);
    public static readonly StripeOperation RefundsList = new("refunds.list", false);
    public static readonly StripeOperation SetupIntentsCreate = new("setup_intents.create", true);
    public static readonly StripeOperation SetupIntentsGet = new("setup_intents.get", false);
    public static readonly StripeOperation SetupIntentsCancel = new("setup_intents.cancel", true);
    public static readonly StripeOperation EventsList = new("events.list", false);
}
