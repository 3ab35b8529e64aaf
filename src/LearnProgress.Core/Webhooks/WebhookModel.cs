namespace LearnProgress.Core.Webhooks;

/// <summary>
/// A registered receiver. <see cref="EventTypes"/> empty means every type. After a rotation the previous secret
/// signs too, until <see cref="PreviousSecretExpiresAt"/>, so the receiver can switch without losing deliveries.
/// </summary>
public sealed record WebhookEndpoint(
    Guid Id,
    string Url,
    IReadOnlyList<string> EventTypes,
    string Secret,
    string? PreviousSecret,
    DateTimeOffset? PreviousSecretExpiresAt,
    bool Enabled,
    string? DisabledReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FailingSince)
{
    public bool Wants(string type) => EventTypes.Count == 0 || EventTypes.Contains(type, StringComparer.Ordinal);

    public IEnumerable<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is not null && PreviousSecretExpiresAt > now ? [Secret, PreviousSecret] : [Secret];
}

public enum DeliveryStatus { Pending, Delivered, Failed }

/// <summary>One event owed to one endpoint, with where its retries stand.</summary>
public sealed record WebhookDelivery(
    Guid Id, Guid EndpointId, Guid EventId, DeliveryStatus Status, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt);

/// <summary>
/// A delivery as one claim holds it. <see cref="Lease"/> is that claim's number (the fencing token): the store counts
/// claims per delivery, and renews the lease or records an attempt only for the holder of the latest one.
/// </summary>
public sealed record LeasedDelivery(WebhookDelivery Delivery, long Lease);

/// <summary>One try at a delivery, kept in the store as the endpoint's log.</summary>
public sealed record DeliveryAttempt(
    Guid DeliveryId, Guid EndpointId, Guid EventId, int Attempt, DateTimeOffset At, int? StatusCode, string? Error, double DurationMs);

/// <summary>What came back from one try: a status code, or an error when no response arrived.</summary>
public sealed record AttemptResult(int? StatusCode, string? Error, TimeSpan? RetryAfter)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}
