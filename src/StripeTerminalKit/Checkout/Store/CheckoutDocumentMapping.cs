namespace StripeTerminalKit.Checkout;

/// <summary>
/// The one place that knows both the machine's state and the stored document (v2): every field
/// of <see cref="CheckoutMachineState"/> is written here and read back here. A field added to the
/// machine and not mapped fails the round-trip test that sets every field.
/// </summary>
internal static class CheckoutDocumentMapping
{
    public static CheckoutDocument ToDocument(in CheckoutMachineState s, int version) => new()
    {
        V = version,
        Checkout = ToStored(s.Request),
        Phase = s.Phase,
        Step = s.Step,
        PaymentIntent = s.PaymentIntentId,
        Attempt = s.Attempt,
        Keys = Keys(in s),
        NewKeys = NewKeys(s.NewKeyMask),
        Ticket = s.Ticket,
        Pending = s.Pending == PendingKind.None && s.MutationTicket == 0 && s.MutationAmount == 0 && s.ReaderTicket == 0 && s.IntentTicket == 0
            && !s.ReadReader && !s.ReadIntent && s.PendingSince == default && s.PendingMutation == default
            ? null
            : new StoredPending
            {
                Kind = s.Pending,
                Mutation = s.PendingMutation,
                MutationTicket = s.MutationTicket,
                MutationAmount = s.MutationAmount,
                ReaderTicket = s.ReaderTicket,
                IntentTicket = s.IntentTicket,
                ReadReader = s.ReadReader,
                ReadIntent = s.ReadIntent,
                Since = At(s.PendingSince),
            },
        Reads = s.FreshReader == default && !s.HasFreshReader && s.FreshIntent == default && !s.HasFreshIntent && !s.DecideAfterReads
            ? null
            : new StoredReads
            {
                Reader = ToStored(s.FreshReader),
                ReaderFresh = s.HasFreshReader,
                Intent = ToStored(s.FreshIntent),
                IntentFresh = s.HasFreshIntent,
                DecideAfterReads = s.DecideAfterReads,
            },
        Known = ToStored(s.Known),
        Send = !s.AmbiguousSend && s.LastSendFailure == default && !s.ActionMayBeInProgress && !s.HintPending
            ? null
            : new StoredSend
            {
                Ambiguous = s.AmbiguousSend,
                LastFailure = s.LastSendFailure,
                ActionMayBeInProgress = s.ActionMayBeInProgress,
                HintPending = s.HintPending,
            },
        Next = s.Next == NextAction.None && s.NextMutation == default && s.NextAt == default && s.RetryCount == 0
            ? null
            : new StoredNext { Action = s.Next, Mutation = s.NextMutation, At = At(s.NextAt), RetryCount = s.RetryCount },
        Times = new StoredTimes
        {
            Now = At(s.Now),
            StartedAt = At(s.StartedAt),
            DeadlineAt = Until(s.DeadlineAt),
            HardStopAt = Until(s.HardStopAt),
            WaitStartedAt = At(s.WaitStartedAt),
            CancelBusyUntil = At(s.CancelBusyUntil),
            ScheduledWake = Until(s.ScheduledWake),
        },
        End = s.End == EndIntent.None && s.CanceledBy == default && s.FailureReason == default && s.FailureCode is null && s.LastFailureCode is null
            && s.LastDeclineCode is null && !s.LastWasDecline && !s.Voided && !s.Abandoned
            ? null
            : new StoredEnd
            {
                Intent = s.End,
                CanceledBy = s.CanceledBy,
                FailureReason = s.FailureReason,
                FailureCode = s.FailureCode,
                LastFailureCode = s.LastFailureCode,
                LastDeclineCode = s.LastDeclineCode,
                LastWasDecline = s.LastWasDecline,
                Voided = s.Voided,
                Abandoned = s.Abandoned,
            },
        Money = s.AmountCapturable == 0 && s.AmountCaptured == 0 && s.AmountRefunded == 0 && s.RefundId is null && s.RefundBaseline == 0
            ? null
            : new StoredMoney
            {
                AmountCapturable = s.AmountCapturable,
                AmountCaptured = s.AmountCaptured,
                AmountRefunded = s.AmountRefunded,
                Refund = s.RefundId,
                RefundBaseline = s.RefundBaseline,
            },
        Operation = s.Operation == PostOperation.None && s.OperationAmount == 0 && !s.OperationSent && s.OperationHardStopAt == DateTimeOffset.MaxValue
            ? null
            : new StoredOperation { Kind = s.Operation, Amount = s.OperationAmount, Sent = s.OperationSent, HardStopAt = Until(s.OperationHardStopAt) },
        Result = ToStored(s.Result),
    };

    public static CheckoutMachineState ToState(CheckoutDocument d)
    {
        var s = CheckoutMachineState.Create(ToRequest(d.Checkout ?? throw new FormatException("The stored checkout has no \"checkout\" (its request).")));
        s.Phase = d.Phase;
        s.Step = d.Step;
        s.PaymentIntentId = d.PaymentIntent;
        s.Attempt = d.Attempt;
        ReadKeys(d.Keys, ref s);
        s.NewKeyMask = ReadNewKeys(d.NewKeys);
        s.Ticket = d.Ticket;
        if (d.Pending is { } p)
        {
            s.Pending = p.Kind;
            s.PendingMutation = p.Mutation ?? default;
            s.MutationTicket = p.MutationTicket;
            s.MutationAmount = p.MutationAmount;
            s.ReaderTicket = p.ReaderTicket;
            s.IntentTicket = p.IntentTicket;
            s.ReadReader = p.ReadReader;
            s.ReadIntent = p.ReadIntent;
            s.PendingSince = p.Since ?? default;
        }

        if (d.Reads is { } r)
        {
            s.FreshReader = ToObservation(r.Reader);
            s.HasFreshReader = r.ReaderFresh;
            s.FreshIntent = ToObservation(r.Intent);
            s.HasFreshIntent = r.IntentFresh;
            s.DecideAfterReads = r.DecideAfterReads;
        }

        s.Known = ToObservation(d.Known);
        if (d.Send is { } send)
        {
            s.AmbiguousSend = send.Ambiguous;
            s.LastSendFailure = send.LastFailure ?? default;
            s.ActionMayBeInProgress = send.ActionMayBeInProgress;
            s.HintPending = send.HintPending;
        }

        if (d.Next is { } next)
        {
            s.Next = next.Action;
            s.NextMutation = next.Mutation ?? default;
            s.NextAt = next.At ?? default;
            s.RetryCount = next.RetryCount;
        }

        var t = d.Times ?? new StoredTimes();
        s.Now = t.Now ?? default;
        s.StartedAt = t.StartedAt ?? default;
        s.DeadlineAt = t.DeadlineAt ?? DateTimeOffset.MaxValue;
        s.HardStopAt = t.HardStopAt ?? DateTimeOffset.MaxValue;
        s.WaitStartedAt = t.WaitStartedAt ?? default;
        s.CancelBusyUntil = t.CancelBusyUntil ?? DateTimeOffset.MinValue;
        s.ScheduledWake = t.ScheduledWake ?? DateTimeOffset.MaxValue;
        if (d.End is { } end)
        {
            s.End = end.Intent;
            s.CanceledBy = end.CanceledBy ?? default;
            s.FailureReason = end.FailureReason ?? default;
            s.FailureCode = end.FailureCode;
            s.LastFailureCode = end.LastFailureCode;
            s.LastDeclineCode = end.LastDeclineCode;
            s.LastWasDecline = end.LastWasDecline;
            s.Voided = end.Voided;
            s.Abandoned = end.Abandoned;
        }

        if (d.Money is { } money)
        {
            s.AmountCapturable = money.AmountCapturable;
            s.AmountCaptured = money.AmountCaptured;
            s.AmountRefunded = money.AmountRefunded;
            s.RefundId = money.Refund;
            s.RefundBaseline = money.RefundBaseline;
        }

        if (d.Operation is { } operation)
        {
            s.Operation = operation.Kind;
            s.OperationAmount = operation.Amount;
            s.OperationSent = operation.Sent;
            s.OperationHardStopAt = operation.HardStopAt ?? DateTimeOffset.MaxValue;
        }

        s.Result = ToResult(d.Result, d.Checkout.Id);
        return s;
    }

    public static string StepName(IdempotencyStep step) => IdempotencySteps.Name(step);

    private static IdempotencyStep StepOf(string name) => IdempotencySteps.Parse(name);

    private static SortedDictionary<string, int>? Keys(in CheckoutMachineState s)
    {
        SortedDictionary<string, int>? keys = null;
        foreach (var (step, _) in IdempotencySteps.Names)
        {
            Add(ref keys, step, step == IdempotencyStep.None ? 0 : s.Keys.Get(step));
        }

        return keys;

        static void Add(ref SortedDictionary<string, int>? keys, IdempotencyStep step, int sequence)
        {
            if (sequence != 0)
            {
                (keys ??= new SortedDictionary<string, int>(StringComparer.Ordinal))[StepName(step)] = sequence;
            }
        }
    }

    private static void ReadKeys(SortedDictionary<string, int>? keys, ref CheckoutMachineState s)
    {
        if (keys is null)
        {
            return;
        }

        foreach (var (name, sequence) in keys)
        {
            var step = StepOf(name);
            if (!CheckoutSteps.HasOwnSequence(step))
            {
                throw new FormatException($"The stored checkout has a key sequence for '{name}', which has none of its own.");
            }

            s.Keys.Set(step, sequence);
        }
    }

    private static List<string>? NewKeys(ushort mask)
    {
        if (mask == 0)
        {
            return null;
        }

        var names = new List<string>();
        foreach (var (step, name) in IdempotencySteps.Names)
        {
            if ((mask & (1 << (int)step)) != 0)
            {
                names.Add(name);
                mask &= (ushort)~(1 << (int)step);
            }
        }

        if (mask != 0)
        {
            throw new InvalidOperationException("The machine marked a step for a new key that has no stored name.");
        }

        return names;
    }

    private static ushort ReadNewKeys(List<string>? names)
    {
        ushort mask = 0;
        foreach (var name in names ?? [])
        {
            mask |= (ushort)(1 << (int)StepOf(name));
        }

        return mask;
    }

    // Times that mean "not set" are left out: default for instants, the far ends for limits.
    private static DateTimeOffset? At(DateTimeOffset value) => value == default ? null : value;

    private static DateTimeOffset? Until(DateTimeOffset value) => value == DateTimeOffset.MaxValue ? null : value;

    private static StoredRequest ToStored(CheckoutRequest r) => new()
    {
        Id = r.CheckoutId,
        Owner = r.Owner,
        Amount = r.Amount,
        Currency = r.Currency,
        Reader = r.ReaderId,
        CaptureMode = r.CaptureMode,
        CaptureDelayDays = r.CaptureDelayDays,
        AllowInterac = r.AllowInterac,
        Flow = r.Flow,
        Cart = r.CartLines?.Select(l => new StoredCartLine { Description = l.Description, Amount = l.Amount, Quantity = l.Quantity }).ToList(),
        CartTax = r.CartTax,
        SkipTipping = r.SkipTipping,
        TipEligibleAmount = r.TipEligibleAmount,
        AllowCustomerCancellation = r.AllowCustomerCancellation,
        WaitForRetryAfterDecline = r.WaitForRetryAfterDecline,
        Description = r.Description,
        Metadata = r.Metadata is null ? null : new SortedDictionary<string, string>(r.Metadata.ToDictionary(), StringComparer.Ordinal),
        ReceiptEmail = r.ReceiptEmail,
        CollectReceiptEmail = r.CollectReceiptEmail,
        TimeoutMs = (long)r.Timeout.TotalMilliseconds,
    };

    private static CheckoutRequest ToRequest(StoredRequest r) => new()
    {
        CheckoutId = r.Id ?? throw new FormatException("The stored checkout has no id."),
        Owner = r.Owner,
        Amount = r.Amount,
        Currency = r.Currency ?? throw new FormatException("The stored checkout has no currency."),
        ReaderId = r.Reader ?? throw new FormatException("The stored checkout has no reader."),
        CaptureMode = r.CaptureMode,
        CaptureDelayDays = r.CaptureDelayDays,
        AllowInterac = r.AllowInterac,
        Flow = r.Flow,
        CartLines = r.Cart?.Select(l => new CheckoutCartLine(l.Description, l.Amount, l.Quantity)).ToArray(),
        CartTax = r.CartTax,
        SkipTipping = r.SkipTipping,
        TipEligibleAmount = r.TipEligibleAmount,
        AllowCustomerCancellation = r.AllowCustomerCancellation ?? true,
        WaitForRetryAfterDecline = r.WaitForRetryAfterDecline ?? true,
        Description = r.Description,
        Metadata = r.Metadata is null ? null : new Dictionary<string, string>(r.Metadata, StringComparer.Ordinal),
        ReceiptEmail = r.ReceiptEmail,
        CollectReceiptEmail = r.CollectReceiptEmail,
        Timeout = TimeSpan.FromMilliseconds(r.TimeoutMs),
    };

    private static StoredReader? ToStored(in ReaderObservation o) => o == default ? null : new StoredReader
    {
        Id = o.ReaderId,
        Action = o.ActionType,
        Status = o.ActionStatus,
        PaymentIntent = o.ActionPaymentIntentId,
        FailureCode = o.FailureCode,
        DeclineCode = o.DeclineCode,
    };

    private static ReaderObservation ToObservation(StoredReader? o) => o is null
        ? default
        : new ReaderObservation(o.Id!, o.Action, o.Status, o.PaymentIntent, o.FailureCode, o.DeclineCode);

    private static StoredIntent? ToStored(in PaymentIntentObservation o) => o == default ? null : new StoredIntent
    {
        Id = o.Id,
        Status = o.Status,
        Amount = o.Amount,
        AmountCapturable = o.AmountCapturable,
        AmountReceived = o.AmountReceived,
        TipAmount = o.TipAmount,
        AmountRefunded = o.AmountRefunded,
        Charge = o.ChargeId,
        CardBrand = o.CardBrand,
        Last4 = o.Last4,
        Network = o.Network,
        DeclineCode = o.DeclineCode,
        ErrorCode = o.ErrorCode,
        CancellationReason = o.CancellationReason,
        Receipt = ToStored(o.Receipt),
    };

    private static PaymentIntentObservation ToObservation(StoredIntent? o) => o is null
        ? default
        : new PaymentIntentObservation(o.Id!, o.Status, o.Amount, o.AmountCapturable, o.AmountReceived, o.TipAmount, o.AmountRefunded,
            o.Charge, o.CardBrand, o.Last4, o.Network, o.DeclineCode, o.ErrorCode, o.CancellationReason, ToReceipt(o.Receipt));

    private static StoredReceipt? ToStored(Payments.CardReceipt? r) => r is null ? null : new StoredReceipt
    {
        ApplicationPreferredName = r.ApplicationName,
        DedicatedFileName = r.ApplicationId,
        AuthorizationResponseCode = r.AuthorizationResponseCode,
        AccountType = r.AccountType,
        CardholderVerificationMethod = r.CardholderVerificationMethod,
        AuthorizationCode = r.AuthorizationCode,
        ReadMethod = r.EntryMode,
        ApplicationCryptogram = r.ApplicationCryptogram,
        TerminalVerificationResults = r.TerminalVerificationResults,
        TransactionStatusInformation = r.TransactionStatusInformation,
        Reader = r.ReaderId,
        Location = r.LocationId,
    };

    private static Payments.CardReceipt? ToReceipt(StoredReceipt? r) => r is null ? null : new Payments.CardReceipt
    {
        ApplicationName = r.ApplicationPreferredName,
        ApplicationId = r.DedicatedFileName,
        AuthorizationResponseCode = r.AuthorizationResponseCode,
        AccountType = r.AccountType,
        CardholderVerificationMethod = r.CardholderVerificationMethod,
        AuthorizationCode = r.AuthorizationCode,
        EntryMode = r.ReadMethod,
        ApplicationCryptogram = r.ApplicationCryptogram,
        TerminalVerificationResults = r.TerminalVerificationResults,
        TransactionStatusInformation = r.TransactionStatusInformation,
        ReaderId = r.Reader,
        LocationId = r.Location,
    };

    private static StoredResult? ToStored(CheckoutResult? result)
    {
        if (result is null)
        {
            return null;
        }

        var stored = new StoredResult
        {
            Outcome = result.Outcome,
            PaymentIntent = result.PaymentIntentId,
            Attempts = result.Attempts,
            CompletedAt = result.CompletedAt,
        };
        switch (result)
        {
            case CheckoutSucceeded r:
                stored.Amount = r.Amount;
                stored.TipAmount = r.TipAmount;
                stored.AmountCaptured = r.AmountCaptured;
                stored.Currency = r.Currency;
                stored.CardBrand = r.CardBrand;
                stored.Last4 = r.Last4;
                stored.Network = r.Network;
                stored.Charge = r.ChargeId;
                stored.Receipt = ToStored(r.Receipt);
                break;
            case CheckoutDeclined r:
                stored.DeclineCode = r.DeclineCode;
                break;
            case CheckoutCanceled r:
                stored.CanceledBy = r.CanceledBy;
                stored.Voided = r.Voided;
                stored.AmountRefunded = r.AmountRefunded;
                stored.Refund = r.RefundId;
                stored.LastDeclineCode = r.LastDeclineCode;
                break;
            case CheckoutFailed r:
                stored.FailureReason = r.Reason;
                stored.Code = r.Code;
                break;
            case CheckoutNeedsAttention r:
                stored.AttentionReason = r.Reason;
                stored.Code = r.Code;
                break;
            default:
                throw new InvalidOperationException($"No stored form for {result.GetType().Name}.");
        }

        return stored;
    }

    private static CheckoutResult? ToResult(StoredResult? r, string checkoutId) => r switch
    {
        null => null,
        { Outcome: CheckoutOutcome.Succeeded } => new CheckoutSucceeded
        {
            CheckoutId = checkoutId,
            PaymentIntentId = r.PaymentIntent,
            Attempts = r.Attempts,
            CompletedAt = r.CompletedAt,
            Amount = r.Amount,
            TipAmount = r.TipAmount,
            AmountCaptured = r.AmountCaptured,
            Currency = r.Currency ?? string.Empty,
            CardBrand = r.CardBrand,
            Last4 = r.Last4,
            Network = r.Network,
            ChargeId = r.Charge,
            Receipt = ToReceipt(r.Receipt),
        },
        { Outcome: CheckoutOutcome.Declined } => new CheckoutDeclined
        {
            CheckoutId = checkoutId,
            PaymentIntentId = r.PaymentIntent,
            Attempts = r.Attempts,
            CompletedAt = r.CompletedAt,
            DeclineCode = r.DeclineCode,
        },
        { Outcome: CheckoutOutcome.Canceled } => new CheckoutCanceled
        {
            CheckoutId = checkoutId,
            PaymentIntentId = r.PaymentIntent,
            Attempts = r.Attempts,
            CompletedAt = r.CompletedAt,
            CanceledBy = r.CanceledBy ?? default,
            Voided = r.Voided,
            AmountRefunded = r.AmountRefunded,
            RefundId = r.Refund,
            LastDeclineCode = r.LastDeclineCode,
        },
        { Outcome: CheckoutOutcome.Failed } => new CheckoutFailed
        {
            CheckoutId = checkoutId,
            PaymentIntentId = r.PaymentIntent,
            Attempts = r.Attempts,
            CompletedAt = r.CompletedAt,
            Reason = r.FailureReason ?? default,
            Code = r.Code,
        },
        { Outcome: CheckoutOutcome.NeedsAttention } => new CheckoutNeedsAttention
        {
            CheckoutId = checkoutId,
            PaymentIntentId = r.PaymentIntent,
            Attempts = r.Attempts,
            CompletedAt = r.CompletedAt,
            Reason = r.AttentionReason ?? default,
            Code = r.Code,
        },
        _ => throw new FormatException($"Stored outcome '{r.Outcome}' is not one this library knows."),
    };
}
