namespace StripeTerminalKit.Emulator.Http;

/// <summary>
/// A Stripe API error raised inside the emulator. It becomes Stripe's error body
/// (<c>{"error":{…}}</c>) with the HTTP status Stripe uses.
/// </summary>
internal sealed class ApiErrorException : Exception
{
    public ApiErrorException(int status, string type, string? code, string message, string? param = null)
        : base(message)
    {
        Status = status;
        Type = type;
        Code = code;
        Param = param;
    }

    public int Status { get; }

    public string Type { get; }

    public string? Code { get; }

    public string? Param { get; }

    public string? DeclineCode { get; init; }

    /// <summary>The PaymentIntent involved, rendered into the error as Stripe does for card errors.</summary>
    public Resources.PaymentIntent? PaymentIntent { get; init; }

    /// <summary>The card that was declined (card errors): Stripe includes it so a POS can name the card.</summary>
    public string? PaymentMethodId { get; init; }

    /// <summary>The charge id involved (card errors).</summary>
    public string? ChargeId { get; init; }

    /// <summary>
    /// True when the request was rejected before the endpoint began executing (parameter
    /// validation). Stripe does not store such responses under the idempotency key.
    /// </summary>
    public bool BeforeExecution { get; init; }

    /// <summary>Value of the <c>Stripe-Should-Retry</c> header, if any.</summary>
    public bool? ShouldRetry { get; init; }

    public string DocUrl => Code is null ? "https://docs.stripe.com/api/errors" : $"https://docs.stripe.com/error-codes/{Code.Replace('_', '-')}";

    public static ApiErrorException InvalidRequest(string message, string? param = null, string? code = null) =>
        new(400, "invalid_request_error", code, message, param) { BeforeExecution = true };

    public static ApiErrorException Missing(string param) =>
        new(400, "invalid_request_error", "parameter_missing", $"Missing required param: {param}.", param) { BeforeExecution = true };

    public static ApiErrorException Unknown(string param) =>
        new(400, "invalid_request_error", "parameter_unknown", $"Received unknown parameter: {param}", param) { BeforeExecution = true };

    public static ApiErrorException NoSuch(string what, string id, string? param = null) =>
        new(404, "invalid_request_error", "resource_missing", $"No such {what}: '{id}'", param);

    public static ApiErrorException State(string code, string message) =>
        new(400, "invalid_request_error", code, message);
}
