namespace StripeTerminalKit.Checkout;

/// <summary>Where a checkout is, as a point-of-sale screen would show it.</summary>
/// <remarks>
/// The values up to <see cref="AwaitingRetry"/> are in flight; from <see cref="Authorized"/> on the
/// final result is known (<see cref="CheckoutStateExtensions.IsCompleted"/>), though an authorised
/// or captured payment can still be captured, voided or refunded.
/// </remarks>
public enum CheckoutState
{
    /// <summary>Accepted; nothing sent to Stripe yet.</summary>
    Created = 0,

    /// <summary>Creating the PaymentIntent.</summary>
    CreatingPaymentIntent,

    /// <summary>Showing the cart on the reader.</summary>
    DisplayingCart,

    /// <summary>Handing the payment to the reader.</summary>
    SendingToReader,

    /// <summary>The reader shows the payment; waiting for the customer's card and the authorisation.</summary>
    WaitingForCustomer,

    /// <summary>Two-step flow: the card was read and the payment is being confirmed.</summary>
    Confirming,

    /// <summary>An outcome was unclear (timeout, lost response); re-reading the reader and the PaymentIntent.</summary>
    Verifying,

    /// <summary>Capturing the authorised payment.</summary>
    Capturing,

    /// <summary>Cancelling the reader action and the PaymentIntent (voiding or refunding if it was charged meanwhile).</summary>
    Canceling,

    /// <summary>The last card was declined (or the attempt failed without taking money); waiting for a retry or a cancellation.</summary>
    AwaitingRetry,

    /// <summary>Completed: authorised, not captured (manual capture). Capture or void it.</summary>
    Authorized,

    /// <summary>Completed: the money was captured.</summary>
    Succeeded,

    /// <summary>Completed and captured; part of it was refunded.</summary>
    PartiallyRefunded,

    /// <summary>Completed and captured; all of it was refunded.</summary>
    Refunded,

    /// <summary>Completed: authorised, then voided; no money moved.</summary>
    Voided,

    /// <summary>Completed: the card was declined and no other card was tried; no money moved.</summary>
    Declined,

    /// <summary>Completed: cancelled by the merchant, the customer or the deadline; no money kept.</summary>
    Canceled,

    /// <summary>Completed: failed for a typed reason; no money kept.</summary>
    Failed,

    /// <summary>Completed: only a person or the reconciler can settle what happened to the money.</summary>
    NeedsAttention,
}

/// <summary>Helpers for <see cref="CheckoutState"/>.</summary>
public static class CheckoutStateExtensions
{
    /// <summary>Whether the checkout's final result is known.</summary>
    /// <param name="state">The state.</param>
    /// <returns><see langword="true"/> from <see cref="CheckoutState.Authorized"/> on.</returns>
    public static bool IsCompleted(this CheckoutState state) => state >= CheckoutState.Authorized;
}
