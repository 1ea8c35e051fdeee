using Microsoft.AspNetCore.Http.HttpResults;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Samples.Web.Hosting;

namespace StripeTerminalKit.Samples.Web.Api;

/// <summary>
/// Emulator mode only: the customer standing at a reader. These endpoints exist so the cashier
/// page can play the customer; they are not mapped when the host talks to Stripe.
/// </summary>
internal static class EmulatorEndpoints
{
    public static void MapEmulatorCustomer(this IEndpointRouteBuilder app)
    {
        var customer = app.MapGroup("/api/emulator/readers/{readerId}").RequireAuthorization().WithTags("Emulator");
        customer.MapPost("/tap", Tap).WithSummary("The customer taps a test card (and adds a tip).");
        customer.MapPost("/cancel", CancelOnReader).WithSummary("The customer presses cancel on the reader.");
        customer.MapPost("/offline", (string readerId, StripeEmulator emulator) => SetNetwork(readerId, emulator, offline: true)).WithSummary("Unplugs the reader's network.");
        customer.MapPost("/online", (string readerId, StripeEmulator emulator) => SetNetwork(readerId, emulator, offline: false)).WithSummary("Plugs the reader back in.");
    }

    private static Results<NoContent, ValidationProblem, ProblemHttpResult> Tap(string readerId, TapRequest? body, StripeEmulator emulator, Shop shop)
    {
        var card = CustomerCards.Resolve(body?.Card);
        if (card is null || body?.Tip is < 0 or > 1_000_000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [card is null ? "card" : "tip"] = [card is null ? $"Unknown card; use one of {string.Join(", ", CustomerCards.ByName.Keys)} or a test card number." : "Must be between 0 and 1000000."],
            });
        }

        return emulator.Customer.Tap(readerId, card, body?.Tip is > 0 ? body.Tip : null)
            ? TypedResults.NoContent()
            : NotWaiting(readerId);
    }

    private static Results<NoContent, ProblemHttpResult> CancelOnReader(string readerId, StripeEmulator emulator) =>
        emulator.Customer.CancelOnReader(readerId) ? TypedResults.NoContent() : NotWaiting(readerId);

    private static Results<NoContent, ProblemHttpResult> SetNetwork(string readerId, StripeEmulator emulator, bool offline)
    {
        try
        {
            emulator.Faults.SetReaderOffline(readerId, offline);
            return TypedResults.NoContent();
        }
        catch (ArgumentException exception)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown reader", detail: exception.Message);
        }
    }

    private static ProblemHttpResult NotWaiting(string readerId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Reader not waiting", detail: $"Reader {readerId} is not asking for a card right now.");
}
