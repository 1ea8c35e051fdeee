using Microsoft.AspNetCore.Diagnostics;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Samples.Web.Hosting;

/// <summary>Turns the kit's typed errors that reach the top into ProblemDetails with the right status.</summary>
internal sealed class StripeErrorHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            TerminalValidationException => (StatusCodes.Status400BadRequest, "Invalid request"),
            ResourceNotFoundException => (StatusCodes.Status404NotFound, "Not found"),
            ReaderUnavailableException => (StatusCodes.Status409Conflict, "Reader unavailable"),
            RateLimitedException => (StatusCodes.Status503ServiceUnavailable, "Stripe is rate limiting; try again shortly"),
            StripeUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Stripe unavailable; try again shortly"),
            StripeTerminalException => (StatusCodes.Status502BadGateway, "Stripe refused the request"),
            _ => (0, ""),
        };
        if (status == 0)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;

        // The kit's messages never contain the API key; request bodies are not echoed.
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = exception is BadHttpRequestException ? "The request body is not valid JSON for this endpoint." : exception.Message },
        });
    }
}
