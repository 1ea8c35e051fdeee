using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Samples.Web.Devices;
using StripeTerminalKit.Samples.Web.Health;
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

        // Every id the kit accepts is routed here; any other is refused before any call.
        var one = api.MapGroup("/checkouts/{checkoutId}").AddEndpointFilter(RefuseInvalidIdAsync);
        one.MapGet("", GetCheckout).WithName("GetCheckout").WithSummary("A checkout.");
        one.MapGet("/events", WatchCheckout)
            .WithSummary("Server-Sent Events: a 'checkout' event with the checkout at each change, until it completes.");
        one.MapPost("/cancel", CancelCheckout).WithSummary("Cancels a running checkout, or voids an authorised one.");
        one.MapPost("/retry", RetryCheckout).WithSummary("After a decline, asks the reader for another card.");
        one.MapPost("/capture", CaptureCheckout).WithSummary("Captures an authorised checkout, in full or in part.");
        one.MapPost("/refund", RefundCheckout).WithSummary("Refunds a captured checkout, in full or in part.");
        return api;
    }

    private static SessionView GetSession(ClaimsPrincipal user, Shop shop, IOptions<ShopOptions> options) =>
        new(options.Value.Name, shop.Mode, options.Value.Currency, user.DeviceName(), shop.Mode == HostMode.Emulator ? [.. CustomerCards.ByName.Keys] : []);

    private static async Task<Ok<ReaderView[]>> ListReaders(ITerminalReaders readers, Shop shop, ReaderStatusCache cache, CancellationToken cancellationToken)
    {
        var list = new List<TerminalReader>();
        await foreach (var reader in readers.ListAsync(new ReaderListFilter { LocationId = shop.Location.Id }, cancellationToken: cancellationToken))
        {
            list.Add(reader);
        }

        // A fresh list is free news for /health and for the shop's memory of its readers.
        cache.Update(list);
        return TypedResults.Ok(list.Select(ReaderView.From).OrderBy(r => r.Label, StringComparer.Ordinal).ToArray());
    }

    private static async Task<Results<Accepted<CheckoutView>, ValidationProblem, ProblemHttpResult>> StartCheckout(
        StartCheckoutRequest? body,
        ClaimsPrincipal user,
        ITerminalCheckout checkout,
        SalesJournal journal,
        Shop shop,
        CheckoutStartLimiter limiter,
        IOptions<ShopOptions> options,
        IOptions<LimitsOptions> limits,
        TimeProvider time,
        LinkGenerator links,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var deviceId = user.DeviceId();
        if (!limiter.TryAcquire(deviceId, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many checkouts",
                detail: $"This device may start at most {limits.Value.CheckoutsPerDevicePerMinute} checkouts a minute.");
        }

        if (body?.Lines is { } cart && cart.Count > limits.Value.MaxCartLines)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many cart lines", detail: $"A sale has at most {limits.Value.MaxCartLines} cart lines.");
        }

        var errors = StartCheckoutValidator.Validate(body);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var checkoutId = string.IsNullOrWhiteSpace(body!.CheckoutId)
            ? $"{deviceId}-{time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}"
            : body.CheckoutId;

        // Only the shop's own readers take payments through this host; the host knows them (listed
        // at start-up and every few seconds since), so an unknown id costs Stripe nothing.
        var readerId = body.ReaderId!;
        if (!shop.IsKnownReader(readerId, time.GetUtcNow()))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["readerId"] = [$"Not a reader of {options.Value.Name}. See GET /api/readers."] });
        }

        var lines = body.Lines?.Select(l => new CheckoutCartLine(l.Description!.Trim(), l.UnitAmount, l.Quantity)).ToArray();
        var request = new CheckoutRequest
        {
            CheckoutId = checkoutId,
            Owner = deviceId,
            Amount = body.Amount!.Value,
            Currency = (body.Currency ?? options.Value.Currency).ToLowerInvariant(),
            ReaderId = readerId,
            CartLines = lines is { Length: > 0 } ? lines : null,
            CaptureMode = body.CaptureMode == "manual" ? CheckoutCaptureMode.Manual : CheckoutCaptureMode.CountryDefault,
            Flow = body.Flow == "two_step" ? CheckoutFlow.CollectThenConfirm : CheckoutFlow.ProcessInOneStep,
            SkipTipping = body.SkipTipping,
            CollectReceiptEmail = body.CollectReceiptEmail,
            Description = body.Description,
            Metadata = new Dictionary<string, string> { ["pos_device"] = deviceId },
        };

        CheckoutHandle handle;
        try
        {
            handle = await checkout.StartAsync(request, cancellationToken);
        }
        catch (TerminalValidationException exception) when (exception.ErrorCode == "checkout_id_unavailable")
        {
            // Another device's sale: the same answer whatever it is (amount, reader, state).
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Checkout id unavailable", detail: "This checkout id cannot be used for this sale. Use a new order reference.");
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
            if (await checkout.GetAsync(sale.CheckoutId, cancellationToken) is { } snapshot && snapshot.Owner == sale.DeviceId)
            {
                views.Add(CheckoutView.From(snapshot, snapshot.Result, sale));
            }
        }

        return TypedResults.Ok(views.ToArray());
    }

    private static async Task<Results<Ok<CheckoutView>, ProblemHttpResult>> GetCheckout(string checkoutId, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, CancellationToken cancellationToken)
    {
        var snapshot = await FindOwnedAsync(checkout, checkoutId, user, cancellationToken);
        return snapshot is null ? NotFound(checkoutId) : TypedResults.Ok(CheckoutView.From(snapshot, snapshot.Result, journal.Find(checkoutId, user.DeviceId())));
    }

    private static async Task<Results<ServerSentEventsResult<CheckoutView>, ProblemHttpResult>> WatchCheckout(string checkoutId, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, CancellationToken cancellationToken)
    {
        var snapshot = await FindOwnedAsync(checkout, checkoutId, user, cancellationToken);
        var handle = snapshot is null ? null : await checkout.FindAsync(checkoutId, cancellationToken);
        return handle is null ? NotFound(checkoutId) : TypedResults.ServerSentEvents(Stream(handle, snapshot!, journal.Find(checkoutId, user.DeviceId()), cancellationToken), "checkout");

        static async IAsyncEnumerable<CheckoutView> Stream(CheckoutHandle handle, CheckoutSnapshot snapshot, Sale? sale, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var update in handle.WatchAsync(cancellationToken))
            {
                // The final state arrives twice: first alone, then with its result. Send the complete one.
                if (update.State.IsCompleted() && update.Result is null)
                {
                    continue;
                }

                yield return CheckoutView.From(new CheckoutSnapshot(update.CheckoutId, snapshot.ReaderId, snapshot.Amount, snapshot.Currency, update.State, update.PaymentIntentId, update.Result, update.At), update.Result, sale);
            }
        }
    }

    private static Task<IResult> CancelCheckout(string checkoutId, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, IOptions<LimitsOptions> limits, TimeProvider time, CancellationToken cancellationToken) =>
        OperateAsync(checkoutId, user, journal, checkout, limits, time, (c, ct) => c.CancelAsync(checkoutId, ct), cancellationToken);

    private static Task<IResult> RetryCheckout(string checkoutId, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, IOptions<LimitsOptions> limits, TimeProvider time, CancellationToken cancellationToken) =>
        OperateAsync(checkoutId, user, journal, checkout, limits, time, (c, ct) => c.RetryAsync(checkoutId, ct), cancellationToken);

    private static Task<IResult> CaptureCheckout(string checkoutId, AmountRequest? body, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, IOptions<LimitsOptions> limits, TimeProvider time, CancellationToken cancellationToken) =>
        body?.Amount is <= 0 or > CheckoutRequest.MaxAmount
            ? Task.FromResult<IResult>(TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["amount"] = ["Must be a positive amount in minor units, or omitted to capture everything authorised."] }))
            : OperateAsync(checkoutId, user, journal, checkout, limits, time, (c, ct) => c.CaptureAsync(checkoutId, body?.Amount, ct), cancellationToken);

    private static Task<IResult> RefundCheckout(string checkoutId, AmountRequest? body, ClaimsPrincipal user, SalesJournal journal, ITerminalCheckout checkout, IOptions<LimitsOptions> limits, TimeProvider time, CancellationToken cancellationToken) =>
        body?.Amount is <= 0 or > CheckoutRequest.MaxAmount
            ? Task.FromResult<IResult>(TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["amount"] = ["Must be a positive amount in minor units, or omitted to refund what is left."] }))
            : OperateAsync(checkoutId, user, journal, checkout, limits, time, (c, ct) => c.RefundAsync(checkoutId, body?.Amount, ct), cancellationToken);

    /// <summary>Runs an operation and maps its status: accepted 202, done 200, refused 409, Stripe refused 502, unconfirmed 504.</summary>
    private static async Task<IResult> OperateAsync(
        string checkoutId,
        ClaimsPrincipal user,
        SalesJournal journal,
        ITerminalCheckout checkout,
        IOptions<LimitsOptions> limits,
        TimeProvider time,
        Func<ITerminalCheckout, CancellationToken, Task<CheckoutOperationResult>> operate,
        CancellationToken cancellationToken)
    {
        // Ownership from the stored checkout, every time: another device's sale is "not found".
        var owned = await FindOwnedAsync(checkout, checkoutId, user, cancellationToken);
        if (owned is null)
        {
            return NotFound(checkoutId);
        }

        // A sale that left the journal comes back into it (without its cart), so its operations stay counted.
        var sale = journal.Add(new Sale
        {
            CheckoutId = checkoutId,
            DeviceId = user.DeviceId(),
            ReaderId = owned.ReaderId,
            Amount = owned.Amount,
            Currency = owned.Currency,
            Lines = [],
            CreatedAt = time.GetUtcNow(),
        });
        if (!sale.TryBeginOperation(limits.Value.OperationsPerSale))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many operations", detail: $"A sale takes at most {limits.Value.OperationsPerSale} operations.");
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

    /// <summary>The checkout when the calling device owns it (as stored with the checkout, forever); otherwise null, exactly as for an unknown id.</summary>
    private static async Task<CheckoutSnapshot?> FindOwnedAsync(ITerminalCheckout checkout, string checkoutId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var snapshot = await checkout.GetAsync(checkoutId, cancellationToken);
        return snapshot is not null && string.Equals(snapshot.Owner, user.DeviceId(), StringComparison.Ordinal) ? snapshot : null;
    }

    /// <summary>Refuses a path id outside the kit's checkout-id alphabet with 400, before the endpoint runs.</summary>
    private static async ValueTask<object?> RefuseInvalidIdAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var id = context.HttpContext.GetRouteValue("checkoutId") as string;
        return CheckoutRequest.IsValidId(id)
            ? await next(context)
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["checkoutId"] = [StartCheckoutValidator.CheckoutIdRule] });
    }

    private static CheckoutView View(CheckoutUpdate update, Sale sale) =>
        CheckoutView.From(new CheckoutSnapshot(update.CheckoutId, sale.ReaderId, sale.Amount, sale.Currency, update.State, update.PaymentIntentId, update.Result, update.At), update.Result, sale);

    private static ProblemHttpResult NotFound(string checkoutId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Checkout not found", detail: $"This device has no checkout '{checkoutId}'.");

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLower(name[0], CultureInfo.InvariantCulture) + name[1..];

    private static string Snake(string pascal) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(pascal);
}

/// <summary>An operation's result with the checkout as it stands after it.</summary>
/// <param name="Operation">The operation.</param>
/// <param name="Checkout">The checkout.</param>
public sealed record OperationResponse(OperationView Operation, CheckoutView? Checkout);
