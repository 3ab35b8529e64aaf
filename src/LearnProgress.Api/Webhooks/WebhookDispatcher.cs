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
    private const int ClaimBatch = 50;
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(5);
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
            var events = await log.ReadAfterAsync(cursor, Page, ct);
            if (events.Count == 0) return;
            var now = time.GetUtcNow();
            var endpoints = (await store.ListEndpointsAsync(ct)).Where(e => e.Enabled).ToList();
            var deliveries = events.SelectMany(e => endpoints.Where(p => p.Wants(e.Event.Type))
                .Select(p => new WebhookDelivery(EventIds.NameBased(p.Id, e.Event.Id.ToString()), p.Id, e.Event.Id, DeliveryStatus.Pending, 0, now, now)))
                .ToList();
            cursor = events[^1].Sequence;
            await store.FanOutAsync(deliveries, cursor, ct);
            if (events.Count < Page) return;
        }
    }

    private async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var sent = 0;
        while (true)
        {
            var now = time.GetUtcNow();
            // The lease outlasts one attempt and its record; a sender killed mid-attempt holds it no longer than that.
            var due = await store.ClaimDueAsync(now, now + options.Value.Timeout + LeaseMargin, ClaimBatch, ct);
            if (due.Count == 0) return sent;
            foreach (var delivery in due)
            {
                await DeliverAsync(delivery, ct);
                sent++;
            }
        }
    }

    private async Task DeliverAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var endpoint = await store.GetEndpointAsync(delivery.EndpointId, ct);
        if (endpoint is null) return;
        if (await store.FindEventAsync(delivery.EventId, ct) is not { } e)
        {
            // Erased with its learner after it was fanned out: nothing is left to send.
            await store.RecordAttemptAsync(new DeliveryAttempt(delivery.Id, endpoint.Id, delivery.EventId, delivery.Attempts + 1, time.GetUtcNow(),
                null, "The event no longer exists (its learner was erased).", 0), DeliveryStatus.Failed, time.GetUtcNow(), endpoint, ct);
            return;
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
        await store.RecordAttemptAsync(
            new DeliveryAttempt(delivery.Id, endpoint.Id, e.Id, attempts, now, result.StatusCode, result.Error, Math.Round(duration.TotalMilliseconds, 1)),
            outcome.Status, outcome.NextAttemptAt, after, ct);
        if (outcome.DisableEndpoint) LogDisabled(logger, endpoint.Id, endpoint.Url, outcome.DisabledReason);
    }

    public override void Dispose()
    {
        base.Dispose();
        _running.Dispose();
        _nudge.Dispose();
    }

    [LoggerMessage(LogLevel.Error, "A webhook dispatch pass failed; the next pass carries on from the stored state")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Webhook endpoint {EndpointId} ({Url}) disabled: {Reason}")]
    private static partial void LogDisabled(ILogger logger, Guid endpointId, string url, string? reason);
}
