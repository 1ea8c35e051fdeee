namespace StripeTerminalKit.Emulator;

/// <summary>
/// The operation names the emulator gives each endpoint: used to scope faults, in the request
/// log, and as the "endpoint" that rate limits count.
/// </summary>
public static class EmulatorOperations
{
#pragma warning disable CS1591 // the names say what they are
    public const string ConfigurationsCreate = "terminal.configurations.create";
    public const string ConfigurationsGet = "terminal.configurations.get";
    public const string ConfigurationsUpdate = "terminal.configurations.update";
    public const string ConfigurationsDelete = "terminal.configurations.delete";
    public const string ConfigurationsList = "terminal.configurations.list";
    public const string LocationsCreate = "terminal.locations.create";
    public const string LocationsGet = "terminal.locations.get";
    public const string LocationsUpdate = "terminal.locations.update";
    public const string LocationsDelete = "terminal.locations.delete";
    public const string LocationsList = "terminal.locations.list";
    public const string ReadersCreate = "terminal.readers.create";
    public const string ReadersGet = "terminal.readers.get";
    public const string ReadersUpdate = "terminal.readers.update";
    public const string ReadersDelete = "terminal.readers.delete";
    public const string ReadersList = "terminal.readers.list";
    public const string ProcessPaymentIntent = "terminal.readers.process_payment_intent";
    public const string CollectPaymentMethod = "terminal.readers.collect_payment_method";
    public const string ConfirmPaymentIntent = "terminal.readers.confirm_payment_intent";
    public const string ProcessSetupIntent = "terminal.readers.process_setup_intent";
    public const string RefundPayment = "terminal.readers.refund_payment";
    public const string SetReaderDisplay = "terminal.readers.set_reader_display";
    public const string CollectInputs = "terminal.readers.collect_inputs";
    public const string CancelAction = "terminal.readers.cancel_action";
    public const string PresentPaymentMethod = "test_helpers.terminal.readers.present_payment_method";
    public const string SucceedInputCollection = "test_helpers.terminal.readers.succeed_input_collection";
    public const string TimeoutInputCollection = "test_helpers.terminal.readers.timeout_input_collection";
    public const string PaymentIntentsCreate = "payment_intents.create";
    public const string PaymentIntentsGet = "payment_intents.get";
    public const string PaymentIntentsUpdate = "payment_intents.update";
    public const string PaymentIntentsCapture = "payment_intents.capture";
    public const string PaymentIntentsCancel = "payment_intents.cancel";
    public const string PaymentIntentsIncrementAuthorization = "payment_intents.increment_authorization";
    public const string PaymentIntentsList = "payment_intents.list";
    public const string PaymentIntentsSearch = "payment_intents.search";
    public const string RefundsCreate = "refunds.create";
    public const string RefundsGet = "refunds.get";
    public const string RefundsUpdate = "refunds.update";
    public const string RefundsCancel = "refunds.cancel";
    public const string RefundsList = "refunds.list";
    public const string SetupIntentsCreate = "setup_intents.create";
    public const string SetupIntentsGet = "setup_intents.get";
    public const string SetupIntentsCancel = "setup_intents.cancel";
    public const string ChargesGet = "charges.get";
    public const string ChargesList = "charges.list";
    public const string BalanceTransactionsGet = "balance_transactions.get";
    public const string EventsGet = "events.get";
    public const string EventsList = "events.list";
    public const string ConnectionTokensCreate = "terminal.connection_tokens.create";
#pragma warning restore CS1591
}
