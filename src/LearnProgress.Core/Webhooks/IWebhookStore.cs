using LearnProgress.Core.Events;

namespace LearnProgress.Core.Webhooks;

/// <summary>
/// Endpoints, the deliveries owed to them and every attempt, kept in the store so retries survive a restart and
/// any instance can carry on another's work.
/// </summary>
public interface IWebhookStore
{
    Task CreateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken = default);
    Task<WebhookEndpoint?> GetEndpointAsync(Guid id, CancellationToken cancellationToken = default);
    /// <summary>False when there is no such endpoint.</summary>
    Task<bool> UpdateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken = default);
    /// <summary>Removes the endpoint with its deliveries and log; false when there was none.</summary>
    Task<bool> DeleteEndpointAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The sequence of the last event turned into deliveries.</summary>
    Task<long> ReadFanOutCursorAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds deliveries (an existing id is kept as it is) and moves the cursor when given, atomically.</summary>
    Task FanOutAsync(IReadOnlyList<WebhookDelivery> deliveries, long? cursor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pending deliveries due by <paramref name="dueBy"/> (the retry schedule's clock) whose lease has lapsed, each
    /// leased for <paramref name="leaseFor"/> under a new lease number. Whether a lease has lapsed, and when the new one
    /// does, is judged by the store's clock alone, so instances whose clocks disagree still never hold one delivery at once.
    /// </summary>
    Task<IReadOnlyList<LeasedDelivery>> ClaimDueAsync(DateTimeOffset dueBy, TimeSpan leaseFor, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends the lease to <paramref name="leaseFor"/> from now (the store's clock) when <paramref name="lease"/> is
    /// still the delivery's latest claim and the delivery is pending; false, changing nothing, when another claim has
    /// taken it since (or it is settled or gone).
    /// </summary>
    Task<bool> RenewLeaseAsync(Guid deliveryId, long lease, TimeSpan leaseFor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an attempt, the delivery's new state (its lease given back) and the endpoint's, together, when
    /// <paramref name="lease"/> is still the delivery's latest claim. False, writing nothing, when another claim has
    /// taken the delivery since: that holder's attempt count and status stand.
    /// </summary>
    Task<bool> RecordAttemptAsync(long lease, DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset nextAttemptAt, WebhookEndpoint endpoint,
        CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DeliveryAttempt>> ListAttemptsAsync(Guid endpointId, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(Guid endpointId, int limit, CancellationToken cancellationToken = default);

    Task<LearningEvent?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default);
}
