namespace StripeTerminalKit.Checkout;

/// <summary>
/// Everything needed to take one card-present payment on one reader. Immutable; validate it with
/// <see cref="Validate"/> before the first Stripe call.
/// </summary>
/// <remarks>
/// The <see cref="CheckoutId"/> is the caller's order reference and the identity of the checkout:
/// starting again with the same id after a crash resumes the same payment (the same PaymentIntent
/// and the same idempotency keys) instead of charging twice.
/// </remarks>
public sealed record CheckoutRequest
{
    /// <summary>Longest accepted <see cref="CheckoutId"/>, so derived idempotency keys stay under Stripe's 255 characters.</summary>
    public const int MaxCheckoutIdLength = 200;

    /// <summary>Longest accepted <see cref="Owner"/>.</summary>
    public const int MaxOwnerLength = 100;

    /// <summary>Largest amount Stripe accepts (eight digits of minor units).</summary>
    public const long MaxAmount = 99_999_999;

    /// <summary>Most metadata entries a caller may add (Stripe allows 50; the library adds the checkout id).</summary>
    public const int MaxMetadataEntries = 49;

    /// <summary>Metadata keys starting with this are the library's own (<c>stk_checkout_id</c>); a request may not set them.</summary>
    public const string ReservedMetadataPrefix = "stk_";

    /// <summary>Default overall deadline of a checkout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Longest accepted <see cref="Timeout"/>.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    /// <summary>
    /// The caller's order reference; required and unique per payment. Its alphabet is what every
    /// place the id travels can carry unchanged — Stripe idempotency keys and metadata (ASCII),
    /// log lines and a URL path segment: ASCII letters, digits, <c>-</c>, <c>_</c> and <c>.</c>,
    /// starting with a letter or digit, at most <see cref="MaxCheckoutIdLength"/> characters.
    /// </summary>
    public required string CheckoutId { get; init; }

    /// <summary>
    /// Who the checkout belongs to (a till, a device, a tenant); optional. Stored with the checkout
    /// and in the PaymentIntent's metadata (<c>stk_owner</c>). Starting a checkout whose id exists
    /// with another owner is refused without saying anything about the existing checkout, and
    /// <see cref="CheckoutSnapshot.Owner"/> lets a host check ownership before every operation.
    /// Same alphabet as <see cref="CheckoutId"/>, at most <see cref="MaxOwnerLength"/> characters.
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>Amount to charge in minor units (cents), excluding any tip chosen on the reader.</summary>
    public required long Amount { get; init; }

    /// <summary>
    /// Three-letter ISO 4217 currency code in lower case, e.g. <c>aud</c>. Optional: left empty, the
    /// checkout uses <see cref="StripeTerminalOptions.DefaultCurrency"/>, else the account country's currency.
    /// </summary>
    public string Currency { get; init; } = "";

    /// <summary>The Stripe reader id (<c>tmr_…</c>) that takes the payment.</summary>
    public required string ReaderId { get; init; }

    /// <summary>When the money is captured. Defaults to <see cref="CheckoutCaptureMode.CountryDefault"/>.</summary>
    public CheckoutCaptureMode CaptureMode { get; init; } = CheckoutCaptureMode.CountryDefault;

    /// <summary>
    /// Days after which Stripe captures an <see cref="CheckoutCaptureMode.AutomaticDelayed"/>
    /// checkout by itself (<c>capture_delay_days</c>, 1 to 30); required with that mode and only with it.
    /// </summary>
    public int? CaptureDelayDays { get; init; }

    /// <summary>
    /// Whether Interac debit cards are accepted (<c>interac_present</c>, Canada only). Unset: accepted
    /// for <c>cad</c> unless <see cref="CaptureMode"/> is <see cref="CheckoutCaptureMode.Manual"/>, which
    /// Interac does not support (changelog basil 2025-03-31). Setting it with manual capture, or for
    /// another currency, is refused before any call.
    /// </summary>
    public bool? AllowInterac { get; init; }

    /// <summary>One-step <c>process_payment_intent</c> (default) or <c>collect_payment_method</c> then <c>confirm_payment_intent</c>.</summary>
    public CheckoutFlow Flow { get; init; } = CheckoutFlow.ProcessInOneStep;

    /// <summary>Cart lines shown on the reader before the payment; none by default.</summary>
    public IReadOnlyList<CheckoutCartLine>? CartLines { get; init; }

    /// <summary>Tax shown with the cart, in minor units; only used with <see cref="CartLines"/>.</summary>
    public long? CartTax { get; init; }

    /// <summary>Skip the on-reader tip screen for this payment.</summary>
    public bool SkipTipping { get; init; }

    /// <summary>Part of the amount a tip percentage is computed on; <see langword="null"/> means the whole amount.</summary>
    public long? TipEligibleAmount { get; init; }

    /// <summary>Show a cancel button to the customer on the reader. Defaults to <see langword="true"/>.</summary>
    public bool AllowCustomerCancellation { get; init; } = true;

    /// <summary>
    /// After a decline (or any attempt that failed without taking money) keep the checkout open so
    /// another card can be tried on the same PaymentIntent. Defaults to <see langword="true"/>;
    /// when <see langword="false"/> the first decline ends the checkout.
    /// </summary>
    public bool WaitForRetryAfterDecline { get; init; } = true;

    /// <summary>PaymentIntent description shown in the Dashboard.</summary>
    public string? Description { get; init; }

    /// <summary>Extra PaymentIntent metadata (at most <see cref="MaxMetadataEntries"/> entries, keys ≤ 40 and values ≤ 500 characters).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Email address the receipt is sent to.</summary>
    public string? ReceiptEmail { get; init; }

    /// <summary>
    /// Before the payment, ask the customer on the reader for an email address for Stripe's receipt
    /// (<c>collect_inputs</c> with one email field the customer may skip), and save what they enter
    /// as the PaymentIntent's <c>receipt_email</c>. A skipped, timed-out or failed form is passed
    /// over: the payment goes on without it. Ignored when <see cref="ReceiptEmail"/> is set; the
    /// reader must support forms (S700/S710, WisePOS E). Defaults to <see langword="false"/>.
    /// </summary>
    public bool CollectReceiptEmail { get; init; }

    /// <summary>
    /// Overall deadline from the start of the checkout. When it passes the checkout winds down:
    /// the reader action is cancelled and the PaymentIntent is cancelled, unless it was already
    /// authorised, in which case the payment the customer approved is kept.
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>This request with an empty <see cref="Currency"/> filled in: <paramref name="defaultCurrency"/>, else the country's currency.</summary>
    internal CheckoutRequest WithDefaultCurrency(string? defaultCurrency, string? country)
    {
        if (!string.IsNullOrEmpty(Currency))
        {
            return this;
        }

        var currency = defaultCurrency ?? (country is null ? null : Validation.TerminalCountries.GetDefaultCurrency(country));
        return currency is null ? this : this with { Currency = currency.ToLowerInvariant() };
    }

    /// <summary>
    /// The request with its own copies of the caller's metadata and cart lines, taken before it is
    /// validated: a caller that changes its dictionary or list after the start changes nothing of the
    /// sale, neither what Stripe is sent nor what is stored (test: <c>RequestSnapshotTests</c>).
    /// </summary>
    internal CheckoutRequest Snapshot() => this with
    {
        Metadata = Metadata is null ? null : new Dictionary<string, string>(Metadata, StringComparer.Ordinal).AsReadOnly(),
        CartLines = CartLines?.ToArray(),
    };

    /// <summary>Checks the request and throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    /// <exception cref="ArgumentException">A field is missing or out of range.</exception>
    public void Validate()
    {
        if (!IsValidId(CheckoutId, MaxCheckoutIdLength))
        {
            throw new ArgumentException($"CheckoutId must be 1 to {MaxCheckoutIdLength} ASCII letters, digits, '-', '_' or '.', starting with a letter or digit.", nameof(CheckoutId));
        }

        if (Owner is not null && !IsValidId(Owner, MaxOwnerLength))
        {
            throw new ArgumentException($"Owner must be 1 to {MaxOwnerLength} ASCII letters, digits, '-', '_' or '.', starting with a letter or digit.", nameof(Owner));
        }

        if (Amount <= 0 || Amount > MaxAmount)
        {
            throw new ArgumentException($"Amount must be between 1 and {MaxAmount} minor units.", nameof(Amount));
        }

        if (Currency is null || Currency.Length != 3 || !Currency.All(char.IsAsciiLetterLower))
        {
            throw new ArgumentException("Currency must be a three-letter lower-case ISO 4217 code such as \"aud\" (or left empty when StripeTerminal:Country or DefaultCurrency gives one).", nameof(Currency));
        }

        if (string.IsNullOrWhiteSpace(ReaderId) || ReaderId.Length > 255)
        {
            throw new ArgumentException("ReaderId must name a reader (tmr_…).", nameof(ReaderId));
        }

        if (!Enum.IsDefined(CaptureMode))
        {
            throw new ArgumentException("CaptureMode is not a known value.", nameof(CaptureMode));
        }

        ValidateCapture();

        if (!Enum.IsDefined(Flow))
        {
            throw new ArgumentException("Flow is not a known value.", nameof(Flow));
        }

        if (Timeout <= TimeSpan.Zero || Timeout > MaxTimeout)
        {
            throw new ArgumentException($"Timeout must be positive and at most {MaxTimeout}.", nameof(Timeout));
        }

        if (TipEligibleAmount is { } eligible && (eligible < 0 || eligible > Amount))
        {
            throw new ArgumentException("TipEligibleAmount must be between 0 and Amount.", nameof(TipEligibleAmount));
        }

        if (SkipTipping && TipEligibleAmount is > 0)
        {
            // Stripe rejects a positive tip-eligible amount together with skip_tipping.
            throw new ArgumentException("TipEligibleAmount cannot be positive when SkipTipping is set.", nameof(TipEligibleAmount));
        }

        ValidateCart();
        ValidateMetadata();

        if (Description is { Length: > 1000 })
        {
            throw new ArgumentException("Description must be at most 1000 characters.", nameof(Description));
        }

        if (ReceiptEmail is not null && !Validation.Guard.IsEmail(ReceiptEmail))
        {
            throw new ArgumentException("ReceiptEmail must be an email address.", nameof(ReceiptEmail));
        }
    }

    /// <summary>The capture options that contradict each other, refused before any call (typed error from StartAsync).</summary>
    private void ValidateCapture()
    {
        // The account's country is checked where the payment is created (the payments module).
        if (Payments.DelayedCaptureRule.Check(CaptureMode == CheckoutCaptureMode.AutomaticDelayed, CaptureDelayDays, Currency, country: null) is { } problem)
        {
            var parameter = problem.Parameter == "CaptureMethod" ? nameof(CaptureMode) : nameof(CaptureDelayDays);
            throw new ArgumentException($"{parameter}: {problem.Problem}", parameter);
        }

        if (AllowInterac == true)
        {
            if (Currency != "cad")
            {
                throw new ArgumentException("AllowInterac: Interac is only available for CAD payments.", nameof(AllowInterac));
            }

            if (CaptureMode == CheckoutCaptureMode.Manual)
            {
                // Stripe refuses the PaymentIntent (changelog basil 2025-03-31); refused here first.
                throw new ArgumentException("AllowInterac: Interac does not support manual capture; use CaptureMode CountryDefault or Automatic, or leave Interac out.", nameof(AllowInterac));
            }
        }
    }

    /// <summary>Whether the money is left authorised when the checkout ends (the caller, or Stripe after a delay, captures).</summary>
    internal bool CaptureIsDeferred => CaptureMode is CheckoutCaptureMode.Manual or CheckoutCaptureMode.AutomaticDelayed;

    private void ValidateCart()
    {
        if (CartLines is null)
        {
            if (CartTax is not null)
            {
                throw new ArgumentException("CartTax needs CartLines.", nameof(CartTax));
            }

            return;
        }

        if (CartLines.Count is 0 or > 100)
        {
            throw new ArgumentException("CartLines must hold 1 to 100 lines.", nameof(CartLines));
        }

        foreach (var line in CartLines)
        {
            if (line is null || string.IsNullOrWhiteSpace(line.Description) || line.Quantity <= 0 || line.Amount < 0 || line.Amount > MaxAmount)
            {
                throw new ArgumentException("Every cart line needs a description, a quantity above zero and an amount between 0 and 99999999.", nameof(CartLines));
            }
        }

        if (CartTax is < 0 or > MaxAmount)
        {
            throw new ArgumentException("CartTax must be between 0 and 99999999.", nameof(CartTax));
        }

        // The reader shows the cart's total; it must be what the customer is charged. Summed in
        // 128 bits: 100 lines of the largest amount times the largest quantity overflow a long.
        Int128 total = CartTax ?? 0;
        foreach (var line in CartLines)
        {
            total += (Int128)line.Amount * line.Quantity;
        }

        if (total != Amount)
        {
            throw new ArgumentException($"The cart (each line's Amount × Quantity, plus CartTax) adds up to {total}, not the Amount of {Amount}.", nameof(CartLines));
        }
    }

    private void ValidateMetadata()
    {
        if (Metadata is null)
        {
            return;
        }

        if (Metadata.Count > MaxMetadataEntries)
        {
            throw new ArgumentException($"Metadata may hold at most {MaxMetadataEntries} entries.", nameof(Metadata));
        }

        foreach (var (key, value) in Metadata)
        {
            if (string.IsNullOrEmpty(key) || key.Length > 40 || key.Contains('[', StringComparison.Ordinal) || key.Contains(']', StringComparison.Ordinal))
            {
                throw new ArgumentException("Metadata keys must be 1 to 40 characters without square brackets.", nameof(Metadata));
            }

            if (key.StartsWith(ReservedMetadataPrefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Metadata keys starting with '{ReservedMetadataPrefix}' are the library's own (it records the checkout id there).", nameof(Metadata));
            }

            if (value is null || value.Length > 500)
            {
                throw new ArgumentException($"Metadata value for '{key}' must be at most 500 characters.", nameof(Metadata));
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="value"/> is a valid <see cref="CheckoutId"/> (or, with its own
    /// length, an <see cref="Owner"/>): hosts can check an id they route before building a request.
    /// </summary>
    /// <param name="value">The id.</param>
    /// <param name="maxLength">The longest accepted id.</param>
    /// <returns>True when the id may be used.</returns>
    public static bool IsValidId(string? value, int maxLength = MaxCheckoutIdLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>One line of the cart shown on the reader; the reader shows <c>Amount × Quantity</c> as the line total.</summary>
/// <param name="Description">What the customer sees.</param>
/// <param name="Amount">Price of one unit in minor units (Stripe's <c>line_items.amount</c>), not the line total.</param>
/// <param name="Quantity">How many.</param>
public sealed record CheckoutCartLine(string Description, long Amount, int Quantity);

/// <summary>When the money is captured.</summary>
public enum CheckoutCaptureMode
{
    /// <summary>
    /// Charge now, using the mechanics that suit the account's country (for Australia an
    /// authorisation captured right after it is verified, so eftpos also works).
    /// The checkout ends captured.
    /// </summary>
    CountryDefault = 0,

    /// <summary>Stripe captures at authorisation (<c>capture_method=automatic</c>).</summary>
    Automatic = 1,

    /// <summary>
    /// Authorise only; the caller captures later (in full or in part) or voids.
    /// Single-message networks such as eftpos still capture in one step.
    /// </summary>
    Manual = 2,

    /// <summary>
    /// Australia only (<c>card_present[capture_method]=automatic_delayed</c>, docs:
    /// terminal/payments/regional AU): authorise now; Stripe captures by itself after
    /// <see cref="CheckoutRequest.CaptureDelayDays"/>. The checkout ends succeeded and not yet captured,
    /// and may be captured earlier or cancelled meanwhile. eftpos-only cards decline (eftpos cannot
    /// authorise now and capture later).
    /// </summary>
    AutomaticDelayed = 3,
}

/// <summary>How the payment is handed to the reader.</summary>
public enum CheckoutFlow
{
    /// <summary>One <c>process_payment_intent</c> call: the reader collects and confirms.</summary>
    ProcessInOneStep = 0,

    /// <summary><c>collect_payment_method</c>, then <c>confirm_payment_intent</c> once the card is read.</summary>
    CollectThenConfirm = 1,
}
