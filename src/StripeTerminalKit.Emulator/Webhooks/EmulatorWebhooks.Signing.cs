
namespace StripeTerminalKit.Emulator;

/// <summary>Signing: the active secrets, their rotation, and the checks on new ones.</summary>
public sealed partial class EmulatorWebhooks
{
    private static readonly TimeSpan MaxSecretOverlap = TimeSpan.FromHours(24);


    /// <summary>
    /// The current signing secret (<c>whsec_…</c>): give it to the code under test, as you would
    /// give it the secret of a Stripe webhook endpoint. Every delivery carries a <c>v1</c> signature
    /// made with it.
    /// </summary>
    public string Secret => _secrets.Current;

    /// <summary>
    /// The secret that was current before the last <see cref="RollSecret(TimeSpan)"/>, while it is
    /// still active (deliveries then carry a second <c>v1</c> signature made with it), otherwise
    /// <see langword="null"/>.
    /// </summary>
    public string? PreviousSecret
    {
        get
        {
            WebhookSigningSecrets secrets = _secrets;
            return secrets.IsPreviousActive(_timeProvider.GetUtcNow()) ? secrets.Previous : null;
        }
    }

    /// <summary>When <see cref="PreviousSecret"/> stops being used, or <see langword="null"/> if there is none.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt
    {
        get
        {
            WebhookSigningSecrets secrets = _secrets;
            return secrets.IsPreviousActive(_timeProvider.GetUtcNow()) ? secrets.PreviousExpiresAt : null;
        }
    }

    /// <summary>
    /// Rolls the signing secret as Stripe's "Roll secret" does: generates a new <c>whsec_</c>
    /// secret and keeps the old one active for <paramref name="keepPreviousFor"/>, during which
    /// every delivery carries two <c>v1</c> signatures, one per secret.
    /// </summary>
    /// <param name="keepPreviousFor">How long the old secret keeps signing: zero expires it now; at most 24 hours.</param>
    /// <returns>The new secret, now <see cref="Secret"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepPreviousFor"/> is negative or over 24 hours.</exception>
    public string RollSecret(TimeSpan keepPreviousFor)
    {
        CheckOverlap(keepPreviousFor);
        lock (_gate)
        {
            string next;
            do
            {
                next = WebhookSigningSecrets.Generate(_random);
            }
            while (next == _secrets.Current);

            RollLocked(next, keepPreviousFor);
            return next;
        }
    }

    /// <summary>
    /// Rolls the signing secret to <paramref name="newSecret"/>, keeping the old one active for
    /// <paramref name="keepPreviousFor"/>, during which every delivery carries two <c>v1</c>
    /// signatures. Only two secrets are ever active: a secret still active from an earlier roll stops.
    /// </summary>
    /// <param name="newSecret">The new secret (Stripe's have the form <c>whsec_…</c>).</param>
    /// <param name="keepPreviousFor">How long the old secret keeps signing: zero expires it now; at most 24 hours.</param>
    /// <exception cref="ArgumentNullException"><paramref name="newSecret"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="newSecret"/> is blank or is the current secret.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepPreviousFor"/> is negative or over 24 hours.</exception>
    public void RollSecret(string newSecret, TimeSpan keepPreviousFor)
    {
        CheckSecret(newSecret, nameof(newSecret));
        CheckOverlap(keepPreviousFor);
        lock (_gate)
        {
            if (newSecret == _secrets.Current)
            {
                throw new ArgumentException("The new webhook signing secret must differ from the current one.", nameof(newSecret));
            }

            RollLocked(newSecret, keepPreviousFor);
        }
    }

    /// <summary>Stops signing with <see cref="PreviousSecret"/> now, ending a rotation early.</summary>
    public void ExpirePreviousSecret()
    {
        lock (_gate)
        {
            _secrets = new WebhookSigningSecrets(_secrets.Current, null, DateTimeOffset.MinValue);
        }
    }


    private void RollLocked(string newSecret, TimeSpan keepPreviousFor)
    {
        _secrets = keepPreviousFor > TimeSpan.Zero
            ? new WebhookSigningSecrets(newSecret, _secrets.Current, _timeProvider.GetUtcNow() + keepPreviousFor)
            : new WebhookSigningSecrets(newSecret, null, DateTimeOffset.MinValue);
    }

    private static void CheckSecret(string secret, string paramName)
    {
        ArgumentNullException.ThrowIfNull(secret, paramName);
        if (string.IsNullOrWhiteSpace(secret))
        {
            // Never echo the value: it is a secret.
            throw new ArgumentException("A webhook signing secret cannot be blank.", paramName);
        }
    }

    private static void CheckOverlap(TimeSpan keepPreviousFor)
    {
        if (keepPreviousFor < TimeSpan.Zero || keepPreviousFor > MaxSecretOverlap)
        {
            throw new ArgumentOutOfRangeException(
                nameof(keepPreviousFor), keepPreviousFor, "The previous webhook secret stays active for zero to 24 hours, as with Stripe.");
        }
    }
}
