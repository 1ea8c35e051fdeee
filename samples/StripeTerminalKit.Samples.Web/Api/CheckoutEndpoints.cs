using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Samples.Web.Devices;
using StripeTerminalKit.Samples.Web.Hosting;
using StripeTerminalKit.Samples.Web.Sales;

namespace StripeTerminalKit.Samples.Web.Api;

/// <summary>The POS API: readers, checkouts, live updates and the operations after a sale.</summary>
internal static class CheckoutEndpoints
{
    public static RouteGroupBuilder MapPosApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("POS");

        api.MapGet("/session", GetSession).WithSummary("The shop, the mode and the calling device.");
        api.MapGet("/readers", ListReaders).WithSummary("The shop's readers and their status.");
        api.MapPost("/checkouts", StartCheckout).WithSummary("Starts a checkout on a reader (or returns the one with the same checkoutId).");
        api.MapGet("/checkouts", ListCheckouts).WithSummary("This device's recent checkouts, newest first.");
        api.MapGet("/checkouts/{checkoutId}", GetCheckout).WithName("GetCheckout").WithSummary("A checkout.");
        api.MapGet("/checkouts/{checkoutId}/events", WatchCheckout)
            .WithSummary("Server-Sent Events: a 'checkout' event with the checkout at each change, until it completes.");
        api.MapPost("/checkouts/{checkoutId}/cancel", CancelCheckout).WithSummary("Cancels a running checkout, or voids an authorised one.");
        api.MapPost("/checkouts/{checkoutId}/retry", RetryCheckout).WithSummary("After a decline, asks the reader for another card.");
        api.MapPost("/checkouts/{checkoutId}/capture", CaptureCheckout).WithSummary("Captures an authorised checkout, in full or in part.");
        api.MapPost("/checkouts/{checkoutId}/refund", RefundCheckout).WithSummary("Refunds a captured checkout, in full or in part.");
        return api;
    }

    private static SessionView GetSession(ClaimsPrincipal user, Shop shop, IOptions<ShopOptions> options) =>
        new(options.Value.Name, shop.Mode, options.Value.Currency, user.DeviceName(), shop.Mode == HostMode.Emulator ? [.. CustomerCards.ByName.Keys] : []);

    private static async Task<Ok<ReaderView[]>> ListReaders(ITerminalReaders readers, Shop shop, CancellationToken cancellationToken)
    {
        var list = new List<ReaderView>();
        await foreach (var reader in readers.ListAsync(new ReaderListFilter { LocationId = shop.Location.Id }, cancellationToken: cancellationToken))
        {
            list.Add(ReaderView.From(reader));
        }

        return TypedResults.Ok(list.OrderBy(r => r.Label, StringComparer.Ordinal).ToArray());
    }

    private static async Task<Results<Accepted<CheckoutView>, ValidationProblem, ProblemHttpResult>> StartCheckout(
        StartCheckoutRequest? body,
        ClaimsPrincipal user,
        ITerminalCheckout checkout,
        ITerminalReaders readers,
        SalesJournal journal,
        Shop shop,
        IOptions<ShopOptions> options,
        TimeProvider time,
        LinkGenerator links,
        CancellationToken cancellationToken)
    {
        var errors = StartCheckoutValidator.Validate(body);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var deviceId = user.DeviceId();
        var checkoutId = string.IsNullOrWhiteSpace(body!.CheckoutId)
            ? $"{deviceId}-{time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}"
            : body.CheckoutId;
        if (journal.IsTakenByAnother(checkoutId, deviceId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Checkout id in use", detail: $"Another device started checkout '{checkoutId}'. Use a new order reference.");
        }

        // Only the shop's own readers take payments through this host.
        var readerId = await FindShopReaderAsync(readers, shop, body.ReaderId!, time, cancellationToken);
        if (readerId is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["readerId"] = [$"No reader '{body.ReaderId}' at {options.Value.Name}. See GET /api/readers."] });
        }

        var lines = body.Lines?.Select(l => new CheckoutCartLine(l.Description!.Trim(), l.UnitAmount, l.Quantity)).ToArray();
        var request = new CheckoutRequest
        {
            CheckoutId = checkoutId,
            Amount = body.Amount!.Value,
            Currency = (body.Currency ?? options.Value.Currency).ToLowerInvariant(),
            ReaderId = readerId,
            CartLines = lines is { Length: > 0 } ? lines : null,
            CaptureMode = body.CaptureMode == "manual" ? CheckoutCaptureMode.Manual : CheckoutCaptureMode.CountryDefault,
            Flow = body.Flow == "two_step" ? CheckoutFlow.CollectThenConfirm : CheckoutFlow.ProcessInOneStep,
            SkipTipping = body.SkipTipping,
            Description = body.Description,
            Metadata = new Dictionary<string, string> { ["pos_device"] = deviceId },
        };

        CheckoutHandle handle;
        try
        {
            handle = await checkout.StartAsync(request, cancellationToken);
        }
        catch (TerminalValidationException exception)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [Camel(exception.Parameter ?? "request")] = [exception.Message] });
        }
        catch (ReaderBusyException exception)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Reader busy", detail: exception.Message);
        }

        var sale = journal.Add(new Sale
        {
            CheckoutId = checkoutId,
            DeviceId = deviceId,
            ReaderId = readerId,
            Amount = request.Amount,
            Currency = request.Currency,
            Lines = lines ?? [],
            CreatedAt = time.GetUtcNow(),
        });
        var view = View(handle.Current, sale);
        return TypedResults.Accepted(links.GetPathByName("GetCheckout", new { checkoutId }), view);
    }

    private static async Task<Ok<CheckoutView[]>> ListCheckouts(ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, CancellationToken cancellationToken)
    {
        var views = new List<CheckoutView>();
        foreach (var sale in journal.Recent(user.DeviceId(), 20))
        {
            if (await checkout.GetAsync(sale.CheckoutId, cancellationToken) is { } snapshot)
            {
                views.Add(CheckoutView.From(snapshot, snapshot.Result, sale));
            }
        }

        return TypedResults.Ok(views.ToArray());
    }

    private static async Task<Results<Ok<CheckoutView>, NotFound<ProblemDetails>>> GetCheckout(string checkoutId, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, CancellationToken cancellationToken)
    {
        var sale = journal.Find(checkoutId, user.DeviceId());
        var snapshot = sale is null ? null : await checkout.GetAsync(checkoutId, cancellationToken);
        return snapshot is null ? NotFound(checkoutId) : TypedResults.Ok(CheckoutView.From(snapshot, snapshot.Result, sale));
    }

    private static async Task<Results<ServerSentEventsResult<CheckoutView>, NotFound<ProblemDetails>>> WatchCheckout(string checkoutId, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, CancellationToken cancellationToken)
    {
        var sale = journal.Find(checkoutId, user.DeviceId());
        var handle = sale is null ? null : await checkout.FindAsync(checkoutId, cancellationToken);
        return handle is null ? NotFound(checkoutId) : TypedResults.ServerSentEvents(Stream(handle, sale!, cancellationToken), "checkout");

        static async IAsyncEnumerable<CheckoutView> Stream(CheckoutHandle handle, Sale sale, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var update in handle.WatchAsync(cancellationToken))
            {
                // The final state arrives twice: first alone, then with its result. Send the complete one.
                if (update.State.IsCompleted() && update.Result is null)
                {
                    continue;
                }

                yield return View(update, sale);
            }
        }
    }

    private static Task<IResult> CancelCheckout(string checkoutId, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, CancellationToken cancellationToken) =>
        OperateAsync(checkoutId, user, journal, checkout, (c, ct) => c.CancelAsync(checkoutId, ct), cancellationToken);

    private static Task<IResult> RetryCheckout(string checkoutId, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, CancellationToken cancellationToken) =>
        OperateAsync(checkoutId, user, journal, checkout, (c, ct) => c.RetryAsync(checkoutId, ct), cancellationToken);

    private static Task<IResult> CaptureCheckout(string checkoutId, AmountRequest? body, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, CancellationToken cancellationToken) =>
        body?.Amount is <= 0 or > CheckoutRequest.MaxAmount
            ? Task.FromResult<IResult>(TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["amount"] = ["Must be a positive amount in minor units, or omitted to capture everything authorised."] }))
            : OperateAsync(checkoutId, user, journal, checkout, (c, ct) => c.CaptureAsync(checkoutId, body?.Amount, ct), cancellationToken);

    private static Task<IResult> RefundCheckout(string checkoutId, AmountRequest? body, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, CancellationToken cancellationToken) =>
        body?.Amount is <= 0 or > CheckoutRequest.MaxAmount
            ? Task.FromResult<IResult>(TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["amount"] = ["Must be a positive amount in minor units, or omitted to refund what is left."] }))
            : OperateAsync(checkoutId, user, journal, checkout, (c, ct) => c.RefundAsync(checkoutId, body?.Amount, ct), cancellationToken);

    /// <summary>Runs an operation and maps its status: accepted 202, done 200, refused 409, Stripe refused 502, unconfirmed 504.</summary>
    private static async Task<IResult> OperateAsync(
        string checkoutId,
        ClaimsPrincipal user,
        SalesJournal journal,
        ITerminalCheckout checkout,
        Func<ITerminalCheckout, CancellationToken, Task<CheckoutOperationResult>> operate,
        CancellationToken cancellationToken)
    {
        var sale = journal.Find(checkoutId, user.DeviceId());
        if (sale is null)
        {
            return NotFound(checkoutId);
        }

        var result = await operate(checkout, cancellationToken);
        if (result.Operation is CheckoutOperation.Capture or CheckoutOperation.Refund or CheckoutOperation.Void)
        {
            sale.Record(result);
        }

        var snapshot = await checkout.GetAsync(checkoutId, cancellationToken);
        var response = new OperationResponse(OperationView.From(result), snapshot is null ? null : CheckoutView.From(snapshot, snapshot.Result, sale));
        return result.Status switch
        {
            CheckoutOperationStatus.Accepted => TypedResults.Accepted((string?)null, response),
            CheckoutOperationStatus.Succeeded => TypedResults.Ok(response),
            CheckoutOperationStatus.Rejected => OperationProblem(StatusCodes.Status409Conflict, "Not possible now", result, response),
            CheckoutOperationStatus.Failed => OperationProblem(StatusCodes.Status502BadGateway, "Stripe refused it", result, response),
            _ => OperationProblem(StatusCodes.Status504GatewayTimeout, "Outcome not confirmed; check before trying again", result, response),
        };
    }

    private static ProblemHttpResult OperationProblem(int status, string title, CheckoutOperationResult result, OperationResponse response) =>
        TypedResults.Problem(
            statusCode: status,
            title: title,
            detail: $"{result.Operation} {Snake(result.Status.ToString())}: {(result.Rejection is { } r ? Snake(r.ToString()) : result.Code ?? "no detail")}.",
            extensions: new Dictionary<string, object?> { ["operation"] = response.Operation, ["checkout"] = response.Checkout });

    private static async Task<string?> FindShopReaderAsync(ITerminalReaders readers, Shop shop, string readerId, TimeProvider time, CancellationToken cancellationToken)
    {
        if (shop.IsKnownReader(readerId, time.GetUtcNow()))
        {
            return readerId;
        }

        try
        {
            var reader = await readers.GetAsync(readerId, cancellationToken: cancellationToken);
            if (reader.LocationId != shop.Location.Id)
            {
                return null;
            }

            shop.RememberReader(reader.Id, time.GetUtcNow());
            return reader.Id;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
        catch (InvalidRequestException)
        {
            return null;
        }
    }

    private static CheckoutView View(CheckoutUpdate update, Sale sale) =>
        CheckoutView.From(new CheckoutSnapshot(update.CheckoutId, sale.ReaderId, sale.Amount, sale.Currency, update.State, update.PaymentIntentId, update.Result, update.At), update.Result, sale);

    private static NotFound<ProblemDetails> NotFound(string checkoutId) =>
        TypedResults.NotFound(new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Checkout not found", Detail = $"This device has no checkout '{checkoutId}'." });

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLower(name[0], CultureInfo.InvariantCulture) + name[1..];

    private static string Snake(string pascal) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(pascal);
}

/// <summary>An operation's result with the checkout as it stands after it.</summary>
/// <param name="Operation">The operation.</param>
/// <param name="Checkout">The checkout.</param>
public sealed record OperationResponse(OperationView Operation, CheckoutView? Checkout);
