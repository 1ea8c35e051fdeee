using System.Globalization;
using Stripe.Terminal;
using StripeTerminalKit.Diagnostics;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Validation;

namespace StripeTerminalKit.Readers;

// Reader actions that are not payments (the cart display, inputs, cancelling the action in
// progress): their input is checked here and sent by ReaderActionCalls. And waiting for an action
// to finish, which Polling.ReaderReads does for every waiter.
internal sealed partial class TerminalReaders
{
    public async Task<TerminalReader> ShowCartAsync(
        string readerId, ReaderCart cart, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), ReaderPrefix);
        ArgumentNullException.ThrowIfNull(cart);
        var currency = Guard.Currency(cart.Currency, "Cart.Currency", _executor.Options.Country!);
        var computed = cart.ComputeTotal();
        if (computed != cart.Total)
        {
            throw TerminalValidationException.For(
                "Cart.Total",
                string.Create(CultureInfo.InvariantCulture, $"is {cart.Total} but the lines and tax add up to {computed} (minor units)."));
        }

        Guard.NonNegativeAmount(cart.Total, "Cart.Total");
        return await _actions.SetReaderDisplayAsync(readerId, cart, currency, callOptions, cancellationToken).ConfigureAwait(false);
    }

    public Task<TerminalReader> ClearDisplayAsync(string readerId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default) =>
        CancelActionAsync(readerId, callOptions, cancellationToken);

    public async Task<TerminalReader> CancelActionAsync(string readerId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), ReaderPrefix);
        return await _actions.CancelActionAsync(readerId, callOptions, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TerminalReader> CollectInputsAsync(
        string readerId, CollectInputsRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), ReaderPrefix);
        ArgumentNullException.ThrowIfNull(request);
        var options = BuildCollectInputsOptions(request);
        return await _actions.CollectInputsAsync(readerId, options, callOptions, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TerminalReaderAction?> GetCurrentActionAsync(
        string readerId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        var reader = await GetAsync(readerId, callOptions, cancellationToken).ConfigureAwait(false);
        return reader.Action;
    }

    public async Task<TerminalReaderAction?> WaitForActionAsync(
        string readerId, ReaderActionWaitOptions? waitOptions = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), ReaderPrefix);
        var interval = waitOptions?.PollInterval ?? _executor.Options.ReaderPollInterval;
        var timeout = waitOptions?.Timeout ?? _executor.Options.ReaderActionTimeout;
        if (interval <= TimeSpan.Zero)
        {
            throw TerminalValidationException.For("PollInterval", "must be positive.");
        }

        if (timeout <= TimeSpan.Zero)
        {
            throw TerminalValidationException.For("Timeout", "must be positive.");
        }

        return await _reads.WaitForActionAsync(readerId, action => Matches(action, waitOptions), interval, timeout, callOptions, cancellationToken).ConfigureAwait(false);
    }

    internal static bool Matches(TerminalReaderAction action, ReaderActionWaitOptions? waitOptions)
    {
        if (waitOptions?.ExpectedType is { } type && action.Type != type)
        {
            return false;
        }

        return waitOptions?.ExpectedIntentId is not { } intentId
            || string.Equals(action.PaymentIntentId ?? action.SetupIntentId, intentId, StringComparison.Ordinal);
    }

    private static ReaderCollectInputsOptions BuildCollectInputsOptions(CollectInputsRequest request)
    {
        if (request.Inputs is null || request.Inputs.Count == 0)
        {
            throw TerminalValidationException.For("Inputs", "must contain at least one input.");
        }

        if (request.Inputs.Count > MaxInputs)
        {
            throw TerminalValidationException.For("Inputs", $"has {request.Inputs.Count} inputs; Stripe allows at most {MaxInputs}.");
        }

        Guard.Metadata(request.Metadata, "Metadata");
        var inputs = new List<ReaderInputOptions>(request.Inputs.Count);
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i] ?? throw TerminalValidationException.For($"Inputs[{i}]", "must not be null.");
            var path = $"Inputs[{i}]";
            var text = input.CustomText ?? throw TerminalValidationException.For($"{path}.CustomText", "is required.");
            Guard.Text(text.Title, $"{path}.CustomText.Title", 40);
            Guard.OptionalText(text.Description, $"{path}.CustomText.Description", 500);
            Guard.OptionalText(text.SubmitButton, $"{path}.CustomText.SubmitButton", 30);
            Guard.OptionalText(text.SkipButton, $"{path}.CustomText.SkipButton", 14);

            var options = new ReaderInputOptions
            {
                Type = input.Type switch
                {
                    ReaderInputType.Signature => "signature",
                    ReaderInputType.Email => "email",
                    ReaderInputType.Phone => "phone",
                    ReaderInputType.Text => "text",
                    ReaderInputType.Numeric => "numeric",
                    ReaderInputType.Selection => "selection",
                    _ => throw TerminalValidationException.For($"{path}.Type", "is not a known input type."),
                },
                CustomText = new ReaderInputCustomTextOptions
                {
                    Title = text.Title,
                    Description = text.Description,
                    SubmitButton = text.SubmitButton,
                    SkipButton = text.SkipButton,
                },
                Required = input.Required,
            };

            if (input is SelectionInput selection)
            {
                if (selection.Choices is null || selection.Choices.Count == 0)
                {
                    throw TerminalValidationException.For($"{path}.Choices", "must contain at least one choice.");
                }

                var ids = new HashSet<string>(StringComparer.Ordinal);
                for (var c = 0; c < selection.Choices.Count; c++)
                {
                    var choice = selection.Choices[c] ?? throw TerminalValidationException.For($"{path}.Choices[{c}]", "must not be null.");
                    Guard.Text(choice.Id, $"{path}.Choices[{c}].Id", 50);
                    Guard.Text(choice.Text, $"{path}.Choices[{c}].Text", 30);
                    if (!ids.Add(choice.Id))
                    {
                        throw TerminalValidationException.For($"{path}.Choices[{c}].Id", $"'{choice.Id}' is used twice.");
                    }
                }

                options.Selection = new ReaderInputSelectionOptions
                {
                    Choices = selection.Choices.Select(c => new ReaderInputSelectionChoiceOptions
                    {
                        Id = c.Id,
                        Text = c.Text,
                        Style = c.Style == SelectionChoiceStyle.Secondary ? "secondary" : "primary",
                    }).ToList(),
                };
            }

            if (input.Toggles is { Count: > 0 } toggles)
            {
                for (var t = 0; t < toggles.Count; t++)
                {
                    var toggle = toggles[t] ?? throw TerminalValidationException.For($"{path}.Toggles[{t}]", "must not be null.");
                    Guard.OptionalText(toggle.Title, $"{path}.Toggles[{t}].Title", 50);
                    Guard.OptionalText(toggle.Description, $"{path}.Toggles[{t}].Description", 50);
                }

                options.Toggles = toggles.Select(t => new ReaderInputToggleOptions
                {
                    Title = t.Title,
                    Description = t.Description,
                    DefaultValue = t.DefaultEnabled ? "enabled" : "disabled",
                }).ToList();
            }

            inputs.Add(options);
        }

        return new ReaderCollectInputsOptions
        {
            Inputs = inputs,
            Metadata = request.Metadata?.ToDictionary(StringComparer.Ordinal),
        };
    }
}
