using LearnProgress.Core.Events;
using LearnProgress.Core.Record;
using LearnProgress.Core.Webhooks;
using Microsoft.Extensions.Options;

namespace LearnProgress.Api.Webhooks;

/// <summary>
/// Turns the store's event log into deliveries and sends the ones due. Everything it knows is in the store: the
/// log's cursor, each delivery's attempts and next try, so a restart (or another instance) carries on where it
/// stopped. A commit nudges it, so a new event leaves at once; otherwise it wakes every poll interval for retries.
/// </summary>
public sealed partial class WebhookDispatcher(
    IEventLog log, IWebhookStore store, WebhookSender sender, TimeProvider time, IOptions<WebhookOptions> options,
    ILogger<WebhookDispatcher> logger) : BackgroundService, IRecordListener
{
    private const int Page = 500;
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly SemaphoreSlim _nudge = new(0, 1);

    public void OnWritten(RecordPlan plan)
    {
        if (plan.Events.Count > 0) Nudge();
    }

    public void Nudge()
    {
        // One pending wake-up is enough: a run reads everything written before it starts.
        if (_nudge.CurrentCount == 0)
            try { _nudge.Release(); } catch (SemaphoreFullException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRunFailed(logger, ex);
            }
            try
            {
                await _nudge.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: new events become deliveries, then every due delivery is tried once. Passes never overlap.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        await _running.WaitAsync(ct);
        try
        {
            await FanOutAsync(ct);
            return await DeliverDueAsync(ct);
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task FanOutAsync(CancellationToken ct)
    {
        var cursor = await store.ReadFanOutCursorAsync(ct);
        while (true)
        {
            var page = await log.ReadAfterAsync(cursor, Page, ct);
            if (page.Next == cursor) return;
            var now = time.GetUtcNow();
            var endpoints = (await store.ListEndpointsAsync(ct)).Where(e => e.Enabled).ToList();
            var deliveries = page.Events.SelectMany(e => endpoints.Where(p => p.Wants(e.Event.Type))
                .Select(p => new WebhookDelivery(EventIds.NameBased(p.Id, e.Event.Id.ToString()), p.Id, e.Event.Id, DeliveryStatus.Pending, 0, now, now)))
                .ToList();
            cursor = page.Next;
            await store.FanOutAsync(deliveries, cursor, ct);
            if (page.Events.Count < Page) return;
        }
    }

    private async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var sent = 0;
        var timeout = options.Value.Timeout;
        while (true)
        {
            // A batch the claim's lease covers when sent in turn, each send at most its timeout.
            var due = await store.ClaimDueAsync(time.GetUtcNow(), DeliveryLeases.ForClaim(timeout, DeliveryLeases.ClaimBatch),
                DeliveryLeases.ClaimBatch, ct);
            if (due.Count == 0) return sent;
            foreach (var leased in due)
                if (await DeliverAsync(leased, timeout, ct))
                    sent++;
        }
    }

    /// <summary>True when this sender tried the delivery (and recorded the try, unless a later claim had taken it meanwhile).</summary>
    private async Task<bool> DeliverAsync(LeasedDelivery leased, TimeSpan timeout, CancellationToken ct)
    {
        var delivery = leased.Delivery;
        var endpoint = await store.GetEndpointAsync(delivery.EndpointId, ct);
        if (endpoint is null) return false;
        if (await store.FindEventAsync(delivery.EventId, ct) is not { } e)
        {
            // Erased with its learner after it was fanned out: nothing is left to send.
            await RecordAsync(leased, new DeliveryAttempt(delivery.Id, endpoint.Id, delivery.EventId, delivery.Attempts + 1, time.GetUtcNow(),
                null, "The event no longer exists (its learner was erased).", 0), DeliveryStatus.Failed, time.GetUtcNow(), endpoint, ct);
            return false;
        }
        // The sends before this one in the batch took part of the claim's lease: hold it afresh for this send, unless
        // another sender has claimed the delivery since (its lease lapsed), which then sends it instead of this one.
        if (!await store.RenewLeaseAsync(delivery.Id, leased.Lease, DeliveryLeases.ForSend(timeout), ct))
        {
            LogLeaseLost(logger, delivery.Id);
            return false;
        }
        var (result, duration) = await sender.SendAsync(endpoint, e, ct);
        var now = time.GetUtcNow();
        var attempts = delivery.Attempts + 1;
        var outcome = DeliveryRules.Decide(endpoint, attempts, result, now, Random.Shared.NextDouble());
        var after = endpoint with
        {
            FailingSince = outcome.FailingSince,
            Enabled = endpoint.Enabled && !outcome.DisableEndpoint,
            DisabledReason = outcome.DisableEndpoint ? outcome.DisabledReason : endpoint.DisabledReason,
        };
        if (await RecordAsync(leased,
                new DeliveryAttempt(delivery.Id, endpoint.Id, e.Id, attempts, now, result.StatusCode, result.Error, Math.Round(duration.TotalMilliseconds, 1)),
                outcome.Status, outcome.NextAttemptAt, after, ct)
            && outcome.DisableEndpoint)
            LogDisabled(logger, endpoint.Id, endpoint.Url, outcome.DisabledReason);
        return true;
    }

    private async Task<bool> RecordAsync(LeasedDelivery leased, DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset nextAttemptAt,
        WebhookEndpoint endpoint, CancellationToken ct)
    {
        if (await store.RecordAttemptAsync(leased.Lease, attempt, status, nextAttemptAt, endpoint, ct)) return true;
        // Outlived its lease (a pause, a store slower than the margin) and another sender claimed the delivery: that
        // sender's record is the delivery's state, so this one is dropped rather than written over it.
        LogStaleRecord(logger, attempt.DeliveryId, attempt.Attempt, attempt.StatusCode, attempt.Error);
        return false;
    }

    public override void Dispose()
    {
        base.Dispose();
        _running.Dispose();
        _nudge.Dispose();
    }

    [LoggerMessage(LogLevel.Error, "A webhook dispatch pass failed; the next pass carries on from the stored state")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Information, "Webhook delivery {DeliveryId} skipped: another sender claimed it after this one's lease lapsed")]
    private static partial void LogLeaseLost(ILogger logger, Guid deliveryId);

    [LoggerMessage(LogLevel.Warning,
        "Webhook delivery {DeliveryId}: attempt {Attempt} (status {StatusCode}, error {Error}) not recorded, as another sender claimed the delivery meanwhile")]
    private static partial void LogStaleRecord(ILogger logger, Guid deliveryId, int attempt, int? statusCode, string? error);

    [LoggerMessage(LogLevel.Warning, "Webhook endpoint {EndpointId} ({Url}) disabled: {Reason}")]
    private static partial void LogDisabled(ILogger logger, Guid endpointId, string url, string? reason);
}
