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

    /// <summary>Pending deliveries due by <paramref name="now"/>, leased to the caller until <paramref name="leaseUntil"/>.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records an attempt, the delivery's new state and the endpoint's, together.</summary>
    Task RecordAttemptAsync(DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset nextAttemptAt, WebhookEndpoint endpoint,
        CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DeliveryAttempt>> ListAttemptsAsync(Guid endpointId, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(Guid endpointId, int limit, CancellationToken cancellationToken = default);

    Task<LearningEvent?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default);
}
