using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Readers;

/// <summary>The kind of action a reader is performing.</summary>
public enum ReaderActionType
{
    /// <summary>An action type this version of the kit does not know.</summary>
    Unknown = 0,

    /// <summary><c>process_payment_intent</c>: collect and authorise a payment in one step.</summary>
    ProcessPaymentIntent,

    /// <summary><c>collect_payment_method</c>: read the card without authorising.</summary>
    CollectPaymentMethod,

    /// <summary><c>confirm_payment_intent</c>: authorise a collected payment method.</summary>
    ConfirmPaymentIntent,

    /// <summary><c>process_setup_intent</c>: save a card without charging.</summary>
    ProcessSetupIntent,

    /// <summary><c>refund_payment</c>: in-person refund (Interac).</summary>
    RefundPayment,

    /// <summary><c>set_reader_display</c>: a cart on screen. Stays in progress until replaced or cleared.</summary>
    SetReaderDisplay,

    /// <summary><c>collect_inputs</c>: on-screen forms.</summary>
    CollectInputs,

    /// <summary><c>print_content</c>: printing on readers with a printer.</summary>
    PrintContent,
}

/// <summary>Where a reader action stands.</summary>
public enum ReaderActionStatus
{
    /// <summary>A status this version of the kit does not know.</summary>
    Unknown = 0,

    /// <summary>The reader is working on it (waiting for a card, a signature, …).</summary>
    InProgress,

    /// <summary>The action finished successfully.</summary>
    Succeeded,

    /// <summary>The action failed; see <see cref="TerminalReaderAction.Failure"/>.</summary>
    Failed,
}

/// <summary>Why a reader action failed, for branching without parsing codes.</summary>
public enum ReaderActionFailureKind
{
    /// <summary>Any other failure; see <see cref="ReaderActionFailure.Code"/>.</summary>
    Other = 0,

    /// <summary>The card was declined; the same PaymentIntent can be presented again.</summary>
    CardDeclined,

    /// <summary>The customer pressed cancel.</summary>
    CustomerCanceled,

    /// <summary>The reader lost its connection during authorisation: read the PaymentIntent to learn whether money moved.</summary>
    ConnectionError,

    /// <summary>The customer did not respond in time (for example collect inputs after two minutes).</summary>
    Timeout,
}

/// <summary>The failure of a reader action.</summary>
/// <param name="Kind">What kind of failure it is.</param>
/// <param name="Code">Stripe's <c>failure_code</c>, such as <c>card_declined</c>.</param>
/// <param name="Message">Stripe's <c>failure_message</c>, for people, not for parsing.</param>
/// <param name="DeclineCode">The issuer's decline code, when the failure is a decline and Stripe said.</param>
/// <param name="Card">The card that was read, when known.</param>
public sealed record ReaderActionFailure(
    ReaderActionFailureKind Kind,
    string? Code,
    string? Message,
    string? DeclineCode,
    CardDetails? Card);

/// <summary>What is known about a card without exposing its number.</summary>
/// <param name="Brand">The brand, such as <c>visa</c>, <c>mastercard</c>, <c>eftpos_au</c>, <c>interac</c>.</param>
/// <param name="Last4">The last four digits.</param>
/// <param name="Funding">Credit, debit or prepaid, when known.</param>
public sealed record CardDetails(string? Brand, string? Last4, string? Funding);

/// <summary>A reader's current (or most recent) action.</summary>
public sealed record TerminalReaderAction
{
    /// <summary>The kind of action.</summary>
    public required ReaderActionType Type { get; init; }

    /// <summary>Stripe's action type string, for types this kit version does not know.</summary>
    public required string StripeType { get; init; }

    /// <summary>Where the action stands.</summary>
    public required ReaderActionStatus Status { get; init; }

    /// <summary>The failure, when <see cref="Status"/> is <see cref="ReaderActionStatus.Failed"/>.</summary>
    public ReaderActionFailure? Failure { get; init; }

    /// <summary>The PaymentIntent the action works on (payment and refund actions).</summary>
    public string? PaymentIntentId { get; init; }

    /// <summary>The SetupIntent the action works on (<c>process_setup_intent</c>).</summary>
    public string? SetupIntentId { get; init; }

    /// <summary>The PaymentMethod saved by a successful <c>process_setup_intent</c>.</summary>
    public string? GeneratedCardId { get; init; }

    /// <summary>The card collected by <c>collect_payment_method</c>, once read.</summary>
    public CardDetails? CollectedCard { get; init; }

    /// <summary>The refund created by a successful <c>refund_payment</c>.</summary>
    public string? RefundId { get; init; }

    /// <summary>The charge refunded by <c>refund_payment</c>.</summary>
    public string? ChargeId { get; init; }

    /// <summary>The refunded amount of <c>refund_payment</c>, in minor units.</summary>
    public long? Amount { get; init; }

    /// <summary>The cart on screen for <c>set_reader_display</c>.</summary>
    public ReaderCart? Cart { get; init; }

    /// <summary>The collected inputs for <c>collect_inputs</c>, in the order they were asked for.</summary>
    public IReadOnlyList<CollectedInput>? Inputs { get; init; }

    /// <summary>The metadata sent with <c>collect_inputs</c> or <c>refund_payment</c>.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Whether the action finished (succeeded or failed).</summary>
    public bool IsFinished => Status is ReaderActionStatus.Succeeded or ReaderActionStatus.Failed;

    /// <summary>The reader this action belongs to.</summary>
    public string? ReaderId { get; init; }

    /// <summary>
    /// Throws the typed exception that matches a failed action; does nothing otherwise.
    /// </summary>
    /// <exception cref="CardDeclinedException">The card was declined.</exception>
    /// <exception cref="CustomerCanceledException">The customer canceled.</exception>
    /// <exception cref="ReaderActionFailedException">Any other failure.</exception>
    public void ThrowIfFailed()
    {
        if (Status != ReaderActionStatus.Failed)
        {
            return;
        }

        var failure = Failure ?? new ReaderActionFailure(ReaderActionFailureKind.Other, null, null, null, null);
        var intentId = PaymentIntentId ?? SetupIntentId;
        var message = SecretRedactor.Redact(failure.Message);
        var detail = string.IsNullOrEmpty(message) ? string.Empty : " Stripe said: " + message;
        StripeTerminalException exception = failure.Kind switch
        {
            ReaderActionFailureKind.CardDeclined => new CardDeclinedException(
                $"The card was declined on reader {ReaderId} ({failure.DeclineCode ?? failure.Code}).{detail}")
            {
                DeclineCode = failure.DeclineCode ?? failure.Code,
                CardBrand = failure.Card?.Brand,
                CardLast4 = failure.Card?.Last4,
                PaymentIntentId = PaymentIntentId,
                ReaderId = ReaderId,
                ErrorCode = failure.Code,
            },
            ReaderActionFailureKind.CustomerCanceled => new CustomerCanceledException(
                $"The customer canceled {StripeType} on reader {ReaderId}.")
            {
                ReaderId = ReaderId,
                IntentId = intentId,
                ErrorCode = failure.Code,
            },
            _ => new ReaderActionFailedException($"Reader {ReaderId} failed {StripeType} ({failure.Code ?? "no failure code"}).{detail}")
            {
                ReaderId = ReaderId,
                ActionType = StripeType,
                ErrorCode = failure.Code,
            },
        };
        throw exception;
    }
}

/// <summary>How <see cref="ITerminalReaders.WaitForActionAsync"/> waits.</summary>
public sealed record ReaderActionWaitOptions
{
    /// <summary>How often to read the reader; defaults to <see cref="StripeTerminalOptions.ReaderPollInterval"/>.</summary>
    public TimeSpan? PollInterval { get; init; }

    /// <summary>How long to wait in total; defaults to <see cref="StripeTerminalOptions.ReaderActionTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Only wait for an action of this type; a different action means ours was replaced.</summary>
    public ReaderActionType? ExpectedType { get; init; }

    /// <summary>Only wait for an action on this PaymentIntent or SetupIntent; another intent means ours was replaced.</summary>
    public string? ExpectedIntentId { get; init; }
}
