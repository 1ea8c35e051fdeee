namespace StripeTerminalKit.Emulator.Engine;

/// <summary>A matched endpoint.</summary>
internal sealed record Route(string Operation, Func<EmulatorEngine, RequestContext, object> Handler, string[] Args, string? ReaderId);

/// <summary>Maps method and path to an endpoint: explicit and allocation-light, no reflection.</summary>
internal static class Router
{
    public static Route? Match(string method, string path)
    {
        var q = path.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            path = path[..q];
        }

        var s = path.Trim('/').Split('/');
        if (s.Length < 2 || s[0] != "v1")
        {
            return null;
        }

        return (method, s.Length, s[1]) switch
        {
            ("POST", 2, "payment_intents") => R(EmulatorOperations.PaymentIntentsCreate, static (e, c) => e.CreatePaymentIntent(c)),
            ("GET", 2, "payment_intents") => R(EmulatorOperations.PaymentIntentsList, static (e, c) => e.ListPaymentIntents(c)),
            ("GET", 3, "payment_intents") when s[2] == "search" => R(EmulatorOperations.PaymentIntentsSearch, static (e, c) => e.SearchPaymentIntents(c)),
            ("GET", 3, "payment_intents") => R(EmulatorOperations.PaymentIntentsGet, static (e, c) => e.GetPaymentIntent(c), s[2]),
            ("POST", 3, "payment_intents") => R(EmulatorOperations.PaymentIntentsUpdate, static (e, c) => e.UpdatePaymentIntent(c), s[2]),
            ("POST", 4, "payment_intents") => s[3] switch
            {
                "capture" => R(EmulatorOperations.PaymentIntentsCapture, static (e, c) => e.CapturePaymentIntent(c), s[2]),
                "cancel" => R(EmulatorOperations.PaymentIntentsCancel, static (e, c) => e.CancelPaymentIntent(c), s[2]),
                "increment_authorization" => R(EmulatorOperations.PaymentIntentsIncrementAuthorization, static (e, c) => e.IncrementAuthorization(c), s[2]),
                _ => null,
            },
            ("POST", 2, "refunds") => R(EmulatorOperations.RefundsCreate, static (e, c) => e.CreateRefund(c)),
            ("GET", 2, "refunds") => R(EmulatorOperations.RefundsList, static (e, c) => e.ListRefunds(c)),
            ("GET", 3, "refunds") => R(EmulatorOperations.RefundsGet, static (e, c) => e.GetRefund(c), s[2]),
            ("POST", 3, "refunds") => R(EmulatorOperations.RefundsUpdate, static (e, c) => e.UpdateRefund(c), s[2]),
            ("POST", 4, "refunds") when s[3] == "cancel" => R(EmulatorOperations.RefundsCancel, static (e, c) => e.CancelRefund(c), s[2]),
            ("POST", 2, "setup_intents") => R(EmulatorOperations.SetupIntentsCreate, static (e, c) => e.CreateSetupIntent(c)),
            ("GET", 3, "setup_intents") => R(EmulatorOperations.SetupIntentsGet, static (e, c) => e.GetSetupIntent(c), s[2]),
            ("POST", 4, "setup_intents") when s[3] == "cancel" => R(EmulatorOperations.SetupIntentsCancel, static (e, c) => e.CancelSetupIntent(c), s[2]),
            ("GET", 2, "charges") => R(EmulatorOperations.ChargesList, static (e, c) => e.ListCharges(c)),
            ("GET", 3, "charges") => R(EmulatorOperations.ChargesGet, static (e, c) => e.GetCharge(c), s[2]),
            ("GET", 3, "balance_transactions") => R(EmulatorOperations.BalanceTransactionsGet, static (e, c) => e.GetBalanceTransaction(c), s[2]),
            ("GET", 2, "events") => R(EmulatorOperations.EventsList, static (e, c) => e.ListEvents(c)),
            ("GET", 3, "events") => R(EmulatorOperations.EventsGet, static (e, c) => e.GetEvent(c), s[2]),
            (_, _, "terminal") => Terminal(method, s),
            (_, _, "test_helpers") => TestHelpers(method, s),
            _ => null,
        };
    }

    private static Route? Terminal(string method, string[] s)
    {
        if (s.Length < 3)
        {
            return null;
        }

        return (method, s.Length, s[2]) switch
        {
            ("POST", 3, "connection_tokens") => R(EmulatorOperations.ConnectionTokensCreate, static (e, c) => e.CreateConnectionToken(c)),
            ("POST", 3, "configurations") => R(EmulatorOperations.ConfigurationsCreate, static (e, c) => e.CreateConfiguration(c)),
            ("GET", 3, "configurations") => R(EmulatorOperations.ConfigurationsList, static (e, c) => e.ListConfigurations(c)),
            ("GET", 4, "configurations") => R(EmulatorOperations.ConfigurationsGet, static (e, c) => e.GetConfiguration(c), s[3]),
            ("POST", 4, "configurations") => R(EmulatorOperations.ConfigurationsUpdate, static (e, c) => e.UpdateConfiguration(c), s[3]),
            ("DELETE", 4, "configurations") => R(EmulatorOperations.ConfigurationsDelete, static (e, c) => e.DeleteConfiguration(c), s[3]),
            ("POST", 3, "locations") => R(EmulatorOperations.LocationsCreate, static (e, c) => e.CreateLocation(c)),
            ("GET", 3, "locations") => R(EmulatorOperations.LocationsList, static (e, c) => e.ListLocations(c)),
            ("GET", 4, "locations") => R(EmulatorOperations.LocationsGet, static (e, c) => e.GetLocation(c), s[3]),
            ("POST", 4, "locations") => R(EmulatorOperations.LocationsUpdate, static (e, c) => e.UpdateLocation(c), s[3]),
            ("DELETE", 4, "locations") => R(EmulatorOperations.LocationsDelete, static (e, c) => e.DeleteLocation(c), s[3]),
            ("POST", 3, "readers") => R(EmulatorOperations.ReadersCreate, static (e, c) => e.CreateReader(c)),
            ("GET", 3, "readers") => R(EmulatorOperations.ReadersList, static (e, c) => e.ListReaders(c)),
            ("GET", 4, "readers") => Reader(EmulatorOperations.ReadersGet, static (e, c) => e.GetReader(c), s[3]),
            ("POST", 4, "readers") => Reader(EmulatorOperations.ReadersUpdate, static (e, c) => e.UpdateReader(c), s[3]),
            ("DELETE", 4, "readers") => Reader(EmulatorOperations.ReadersDelete, static (e, c) => e.DeleteReader(c), s[3]),
            ("POST", 5, "readers") => s[4] switch
            {
                "process_payment_intent" => Reader(EmulatorOperations.ProcessPaymentIntent, static (e, c) => e.ProcessPaymentIntent(c), s[3]),
                "collect_payment_method" => Reader(EmulatorOperations.CollectPaymentMethod, static (e, c) => e.CollectPaymentMethod(c), s[3]),
                "confirm_payment_intent" => Reader(EmulatorOperations.ConfirmPaymentIntent, static (e, c) => e.ConfirmPaymentIntent(c), s[3]),
                "process_setup_intent" => Reader(EmulatorOperations.ProcessSetupIntent, static (e, c) => e.ProcessSetupIntent(c), s[3]),
                "refund_payment" => Reader(EmulatorOperations.RefundPayment, static (e, c) => e.RefundPayment(c), s[3]),
                "set_reader_display" => Reader(EmulatorOperations.SetReaderDisplay, static (e, c) => e.SetReaderDisplay(c), s[3]),
                "collect_inputs" => Reader(EmulatorOperations.CollectInputs, static (e, c) => e.CollectInputs(c), s[3]),
                "cancel_action" => Reader(EmulatorOperations.CancelAction, static (e, c) => e.CancelAction(c), s[3]),
                _ => null,
            },
            _ => null,
        };
    }

    private static Route? TestHelpers(string method, string[] s)
    {
        if (method != "POST" || s.Length != 6 || s[2] != "terminal" || s[3] != "readers")
        {
            return null;
        }

        return s[5] switch
        {
            "present_payment_method" => Reader(EmulatorOperations.PresentPaymentMethod, static (e, c) => e.PresentPaymentMethod(c), s[4]),
            "succeed_input_collection" => Reader(EmulatorOperations.SucceedInputCollection, static (e, c) => e.SucceedInputCollection(c), s[4]),
            "timeout_input_collection" => Reader(EmulatorOperations.TimeoutInputCollection, static (e, c) => e.TimeoutInputCollection(c), s[4]),
            _ => null,
        };
    }

    private static Route R(string operation, Func<EmulatorEngine, RequestContext, object> handler, params string[] args) =>
        new(operation, handler, args.Select(Uri.UnescapeDataString).ToArray(), null);

    private static Route Reader(string operation, Func<EmulatorEngine, RequestContext, object> handler, string readerId)
    {
        var id = Uri.UnescapeDataString(readerId);
        return new(operation, handler, [id], id);
    }
}
