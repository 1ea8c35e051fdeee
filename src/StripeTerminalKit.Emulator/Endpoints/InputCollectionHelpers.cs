using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary>The test helpers that finish a <c>collect_inputs</c> action.</summary>
internal sealed partial class EmulatorEngine
{
    internal object SucceedInputCollection(RequestContext c)
    {
        var reader = FindReader(c, c.Id);
        var skip = c.Params.Enum("skip_non_required_inputs", false, "all", "none") ?? "none";
        c.ReadExpand(ReaderExpandables);
        c.Params.EnsureNoUnknown();
        var action = RequireInputCollection(reader);
        CompleteInputCollection(reader, action, skipOptional: skip == "all", c.Info);
        return reader;
    }

    /// <summary>The customer finishes the form: test values in every input (optional ones skipped when asked).</summary>
    private void CompleteInputCollection(Reader reader, ReaderAction action, bool skipOptional, RequestInfo? info)
    {
        foreach (var input in action.Inputs!)
        {
            if (!input.Required && skipOptional)
            {
                input.Skipped = true;
                continue;
            }

            input.Skipped = false;
            switch (input.Type)
            {
                case "email": input.Value = "someone@example.com"; break;
                case "phone": input.Value = "+61400000000"; break;
                case "numeric": input.Value = "1234"; break;
                case "text": input.Value = "Sample text"; break;
                case "signature": input.Value = _state.NewId("file_"); break;
                case "selection": input.Selected = input.Choices.Count > 0 ? (input.Choices[0].Id, input.Choices[0].Text) : null; break;
            }

            input.ToggleValues = input.Toggles.Select(t => t.DefaultValue).ToArray();
        }

        SucceedAction(reader, action, info);
    }

    internal object TimeoutInputCollection(RequestContext c)
    {
        var reader = FindReader(c, c.Id);
        c.ReadExpand(ReaderExpandables);
        c.Params.EnsureNoUnknown();
        var action = RequireInputCollection(reader);
        FailAction(reader, action, "collect_inputs_timeout", "The customer did not complete the form in time.", null, c.Info);
        return reader;
    }

    private static ReaderAction RequireInputCollection(Reader reader)
    {
        if (!reader.IsSimulated)
        {
            throw ApiErrorException.InvalidRequest("Test helpers can only be used with simulated readers.", "reader");
        }

        return reader.Action is { Type: "collect_inputs", Status: "in_progress" } action
            ? action
            : throw ApiErrorException.State("intent_invalid_state", "The reader has no collect_inputs action in progress.");
    }
}
