namespace StripeTerminalKit.Checkout;

/// <summary>
/// The one place that knows both the machine's state and the stored document (v2): every field
/// of <see cref="CheckoutMachineState"/> is written here and read back here. A field added to the
/// machine and not mapped fails the round-trip test that sets every field.
/// </summary>
internal static partial class CheckoutDocumentMapping
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
}
