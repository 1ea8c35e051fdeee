namespace StripeTerminalKit.Readers;

/// <summary>The kind of an on-screen input.</summary>
public enum ReaderInputType
{
    /// <summary>A type this version of the kit does not know.</summary>
    Unknown = 0,

    /// <summary>A signature pad; the result is a File id (SVG, kept seven days).</summary>
    Signature,

    /// <summary>An email address.</summary>
    Email,

    /// <summary>A phone number.</summary>
    Phone,

    /// <summary>Free text.</summary>
    Text,

    /// <summary>A number.</summary>
    Numeric,

    /// <summary>One choice among buttons.</summary>
    Selection,
}

/// <summary>The texts shown with an input.</summary>
/// <param name="Title">The title (1–40 characters).</param>
/// <param name="Description">A description (≤ 500 characters).</param>
/// <param name="SubmitButton">The submit button's text (≤ 30 characters).</param>
/// <param name="SkipButton">The skip button's text (≤ 14 characters), for optional inputs.</param>
public sealed record InputCustomText(string Title, string? Description = null, string? SubmitButton = null, string? SkipButton = null);

/// <summary>A toggle shown under an input (for example "subscribe to the newsletter").</summary>
/// <param name="Title">The title (≤ 50 characters).</param>
/// <param name="Description">A description (≤ 50 characters).</param>
/// <param name="DefaultEnabled">Whether the toggle starts on.</param>
public sealed record InputToggle(string? Title, string? Description = null, bool DefaultEnabled = false);

/// <summary>The look of a selection button.</summary>
public enum SelectionChoiceStyle
{
    /// <summary>A primary (highlighted) button.</summary>
    Primary = 0,

    /// <summary>A secondary button.</summary>
    Secondary,
}

/// <summary>One button of a <see cref="SelectionInput"/>.</summary>
/// <param name="Id">Your id for the choice (1–50 characters), returned when chosen.</param>
/// <param name="Text">The button text (1–30 characters).</param>
/// <param name="Style">The button look.</param>
public sealed record SelectionChoice(string Id, string Text, SelectionChoiceStyle Style = SelectionChoiceStyle.Primary);

/// <summary>An input to collect on the reader's screen. Use the derived records.</summary>
/// <param name="CustomText">The texts shown with it.</param>
public abstract record ReaderInput(InputCustomText CustomText)
{
    /// <summary>Whether the customer must fill it in (no skip button).</summary>
    public bool Required { get; init; }

    /// <summary>Toggles shown with the input.</summary>
    public IReadOnlyList<InputToggle>? Toggles { get; init; }

    /// <summary>The kind of input.</summary>
    public abstract ReaderInputType Type { get; }
}

/// <summary>A signature pad.</summary>
/// <param name="CustomText">The texts shown with it.</param>
public sealed record SignatureInput(InputCustomText CustomText) : ReaderInput(CustomText)
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Signature;
}

/// <summary>An email address field.</summary>
/// <param name="CustomText">The texts shown with it.</param>
public sealed record EmailInput(InputCustomText CustomText) : ReaderInput(CustomText)
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Email;
}

/// <summary>A phone number field.</summary>
/// <param name="CustomText">The texts shown with it.</param>
public sealed record PhoneInput(InputCustomText CustomText) : ReaderInput(CustomText)
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Phone;
}

/// <summary>A free-text field.</summary>
/// <param name="CustomText">The texts shown with it.</param>
public sealed record TextInput(InputCustomText CustomText) : ReaderInput(CustomText)
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Text;
}

/// <summary>A numeric field.</summary>
/// <param name="CustomText">The texts shown with it.</param>
public sealed record NumericInput(InputCustomText CustomText) : ReaderInput(CustomText)
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Numeric;
}

/// <summary>A choice among buttons.</summary>
/// <param name="CustomText">The texts shown with it.</param>
/// <param name="Choices">The buttons, at least one.</param>
public sealed record SelectionInput(InputCustomText CustomText, IReadOnlyList<SelectionChoice> Choices) : ReaderInput(CustomText)
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Selection;
}

/// <summary>The inputs to collect (1–5) and metadata to echo back in the reader action and its events.</summary>
/// <param name="Inputs">The inputs, shown in order.</param>
public sealed record CollectInputsRequest(IReadOnlyList<ReaderInput> Inputs)
{
    /// <summary>Metadata echoed in the reader action and webhook events.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>The state of a toggle after collection.</summary>
/// <param name="Title">The toggle's title.</param>
/// <param name="Enabled">Whether the customer left it on; <see langword="null"/> when not reported.</param>
public sealed record CollectedToggle(string? Title, bool? Enabled);

/// <summary>One collected input. Match on the derived records to read the value.</summary>
public abstract record CollectedInput
{
    /// <summary>The kind of input.</summary>
    public abstract ReaderInputType Type { get; }

    /// <summary>The input's title, as asked.</summary>
    public string? Title { get; init; }

    /// <summary>Whether it was required.</summary>
    public bool Required { get; init; }

    /// <summary>Whether the customer skipped it.</summary>
    public bool Skipped { get; init; }

    /// <summary>The toggles and their final states.</summary>
    public IReadOnlyList<CollectedToggle> Toggles { get; init; } = [];
}

/// <summary>A collected signature.</summary>
/// <param name="FileId">The Stripe File id of the SVG signature (kept seven days), or <see langword="null"/> if skipped.</param>
public sealed record CollectedSignature(string? FileId) : CollectedInput
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Signature;
}

/// <summary>A collected email address.</summary>
/// <param name="Email">The address, or <see langword="null"/> if skipped.</param>
public sealed record CollectedEmail(string? Email) : CollectedInput
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Email;
}

/// <summary>A collected phone number.</summary>
/// <param name="PhoneNumber">The number, or <see langword="null"/> if skipped.</param>
public sealed record CollectedPhone(string? PhoneNumber) : CollectedInput
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Phone;
}

/// <summary>Collected free text.</summary>
/// <param name="Text">The text, or <see langword="null"/> if skipped.</param>
public sealed record CollectedText(string? Text) : CollectedInput
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Text;
}

/// <summary>A collected number, as the customer typed it.</summary>
/// <param name="Value">The digits, or <see langword="null"/> if skipped.</param>
public sealed record CollectedNumeric(string? Value) : CollectedInput
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Numeric;
}

/// <summary>A collected choice.</summary>
/// <param name="ChoiceId">The chosen <see cref="SelectionChoice.Id"/>, or <see langword="null"/> if skipped.</param>
/// <param name="ChoiceText">The chosen button's text.</param>
public sealed record CollectedSelection(string? ChoiceId, string? ChoiceText) : CollectedInput
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Selection;
}

/// <summary>An input of a type this kit version does not know.</summary>
/// <param name="StripeType">Stripe's input type string.</param>
public sealed record CollectedUnknownInput(string? StripeType) : CollectedInput
{
    /// <inheritdoc />
    public override ReaderInputType Type => ReaderInputType.Unknown;
}
