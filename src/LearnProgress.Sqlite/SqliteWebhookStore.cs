using Dapper;
using LearnProgress.Core.Events;
using LearnProgress.Core.Webhooks;

namespace LearnProgress.Sqlite;

/// <summary>
/// Webhook endpoints, deliveries and their attempt log in the embedded store's file. Leases are judged by SQLite's
/// clock (<c>julianday('now')</c> in the statement that claims or renews): in embedded mode the store runs in the
/// service's one process, so that is the same clock the instance has, and there is no other instance to disagree with.
/// </summary>
public sealed class SqliteWebhookStore(SqliteDatabase database) : IWebhookStore
{
    /// <summary>The store's time in Unix milliseconds, the unit of <c>leased_until</c>.</summary>
    private const string Now = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

    internal const string Create = """
        CREATE TABLE IF NOT EXISTS webhook_endpoints (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            event_types TEXT NOT NULL,
            secret TEXT NOT NULL,
            previous_secret TEXT,
            previous_expires_at INTEGER,
            enabled INTEGER NOT NULL,
            disabled_reason TEXT,
            created_at INTEGER NOT NULL,
            failing_since INTEGER
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            id TEXT PRIMARY KEY,
            endpoint_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            status INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            leased_until INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            lease INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
        CREATE INDEX IF NOT EXISTS webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at);
        CREATE TABLE IF NOT EXISTS webhook_attempts (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            delivery_id TEXT NOT NULL,
            endpoint_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            at INTEGER NOT NULL,
            status_code INTEGER,
            error TEXT,
            duration_ms REAL NOT NULL
        );
        CREATE INDEX IF NOT EXISTS webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, seq);
        CREATE TABLE IF NOT EXISTS webhook_cursor (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            after_seq INTEGER NOT NULL
        );
        """;

    /// <summary>Brings the tables of a file written by an earlier version up to <see cref="Create"/>, after it ran.</summary>
    internal static readonly (string Table, string Column, string Statement)[] Upgrades =
    [
        // Each claim's number, the fencing token a sender shows to renew its lease and record its attempt.
        ("webhook_deliveries", "lease", "ALTER TABLE webhook_deliveries ADD COLUMN lease INTEGER NOT NULL DEFAULT 0;"),
    ];

    private const string EndpointColumns = """
        id AS Id, url AS Url, event_types AS EventTypes, secret AS Secret, previous_secret AS PreviousSecret,
        previous_expires_at AS PreviousExpiresAt, enabled AS Enabled, disabled_reason AS DisabledReason,
        created_at AS CreatedAt, failing_since AS FailingSince
        """;

    private const string DeliveryColumns = """
        id AS Id, endpoint_id AS EndpointId, event_id AS EventId, status AS Status, attempts AS Attempts,
        next_attempt_at AS NextAttemptAt, created_at AS CreatedAt
        """;

    private const string UpsertEndpoint = """
        INSERT INTO webhook_endpoints (id, url, event_types, secret, previous_secret, previous_expires_at, enabled, disabled_reason, created_at, failing_since)
        VALUES (@Id, @Url, @EventTypes, @Secret, @PreviousSecret, @PreviousExpiresAt, @Enabled, @DisabledReason, @CreatedAt, @FailingSince)
        ON CONFLICT (id) DO UPDATE SET url = excluded.url, event_types = excluded.event_types, secret = excluded.secret,
            previous_secret = excluded.previous_secret, previous_expires_at = excluded.previous_expires_at, enabled = excluded.enabled,
            disabled_reason = excluded.disabled_reason, failing_since = excluded.failing_since;
        """;

    public async Task CreateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await connection.ExecuteAsync(UpsertEndpoint, EndpointRow.Of(endpoint));
    }

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<EndpointRow>($"SELECT {EndpointColumns} FROM webhook_endpoints ORDER BY created_at, id;"))
            .Select(r => r.ToEndpoint()).ToList();
    }

    public async Task<WebhookEndpoint?> GetEndpointAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QuerySingleOrDefaultAsync<EndpointRow>(
            $"SELECT {EndpointColumns} FROM webhook_endpoints WHERE id = @id;", new { id = id.ToString() }))?.ToEndpoint();
    }

    public async Task<bool> UpdateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        if (await connection.ExecuteScalarAsync<long?>("SELECT 1 FROM webhook_endpoints WHERE id = @id;", new { id = endpoint.Id.ToString() }) is null)
            return false;
        await connection.ExecuteAsync(UpsertEndpoint, EndpointRow.Of(endpoint));
        return true;
    }

    public async Task<bool> DeleteEndpointAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction();
        var removed = await connection.ExecuteAsync("DELETE FROM webhook_endpoints WHERE id = @id;", new { id = id.ToString() }, transaction);
        await connection.ExecuteAsync("DELETE FROM webhook_deliveries WHERE endpoint_id = @id; DELETE FROM webhook_attempts WHERE endpoint_id = @id;",
            new { id = id.ToString() }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return removed > 0;
    }

    public async Task<long> ReadFanOutCursorAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return await connection.ExecuteScalarAsync<long?>("SELECT after_seq FROM webhook_cursor WHERE id = 1;") ?? 0;
    }

    public async Task FanOutAsync(IReadOnlyList<WebhookDelivery> deliveries, long? cursor, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction();
        await connection.ExecuteAsync("""
            INSERT INTO webhook_deliveries (id, endpoint_id, event_id, status, attempts, next_attempt_at, created_at)
            VALUES (@Id, @EndpointId, @EventId, @Status, @Attempts, @NextAttemptAt, @CreatedAt) ON CONFLICT (id) DO NOTHING;
            """, deliveries.Select(DeliveryRow.Of), transaction);
        if (cursor is { } after)
            await connection.ExecuteAsync("""
                INSERT INTO webhook_cursor (id, after_seq) VALUES (1, @after) ON CONFLICT (id) DO UPDATE SET after_seq = MAX(after_seq, excluded.after_seq);
                """, new { after }, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<LeasedDelivery>> ClaimDueAsync(DateTimeOffset dueBy, TimeSpan leaseFor, int limit, CancellationToken cancellationToken = default)
    {
        // Looked for without the writer's turn first: an idle poll must not queue ahead of a flush.
        await using (var reading = database.Open())
            if (await reading.ExecuteScalarAsync<long?>(
                    $"SELECT 1 FROM webhook_deliveries WHERE status = 0 AND next_attempt_at <= @due AND leased_until <= {Now} LIMIT 1;",
                    new { due = dueBy.ToUnixTimeMilliseconds() }) is null)
                return [];
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        var rows = await connection.QueryAsync<LeasedRow>($"""
            UPDATE webhook_deliveries SET leased_until = {Now} + @leaseMs, lease = lease + 1
            WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 0 AND next_attempt_at <= @due AND leased_until <= {Now}
                           AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE enabled = 1)
                         ORDER BY next_attempt_at LIMIT @limit)
            RETURNING {DeliveryColumns}, lease AS Lease;
            """, new { due = dueBy.ToUnixTimeMilliseconds(), leaseMs = (long)leaseFor.TotalMilliseconds, limit });
        return rows.Select(r => new LeasedDelivery(r.ToDelivery(), r.Lease)).OrderBy(d => d.Delivery.NextAttemptAt).ToList();
    }

    public async Task<bool> RenewLeaseAsync(Guid deliveryId, long lease, TimeSpan leaseFor, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        return await connection.ExecuteAsync(
            $"UPDATE webhook_deliveries SET leased_until = {Now} + @leaseMs WHERE id = @id AND lease = @lease AND status = 0;",
            new { id = deliveryId.ToString(), lease, leaseMs = (long)leaseFor.TotalMilliseconds }) == 1;
    }

    public async Task<bool> RecordAttemptAsync(long lease, DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset nextAttemptAt,
        WebhookEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction();
        // The fence: only the latest claim's holder writes; a holder whose lease another claim took writes nothing.
        var held = await connection.ExecuteAsync("""
            UPDATE webhook_deliveries SET status = @state, attempts = @attempt, next_attempt_at = @next, leased_until = 0
            WHERE id = @delivery AND lease = @lease;
            """, new
        {
            delivery = attempt.DeliveryId.ToString(), lease, attempt = attempt.Attempt, state = (int)status, next = nextAttemptAt.ToUnixTimeMilliseconds(),
        }, transaction);
        if (held != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        await connection.ExecuteAsync("""
            INSERT INTO webhook_attempts (delivery_id, endpoint_id, event_id, attempt, at, status_code, error, duration_ms)
            VALUES (@delivery, @endpoint, @event, @attempt, @at, @status, @error, @duration);
            """, new
        {
            delivery = attempt.DeliveryId.ToString(), endpoint = attempt.EndpointId.ToString(), @event = attempt.EventId.ToString(),
            attempt = attempt.Attempt, at = attempt.At.ToUnixTimeMilliseconds(), status = attempt.StatusCode, error = attempt.Error,
            duration = attempt.DurationMs,
        }, transaction);
        // Only the fields a delivery decides: an admin's edit made meanwhile (URL, types, secret) is kept.
        await connection.ExecuteAsync("""
            UPDATE webhook_endpoints SET enabled = enabled AND @enabled, disabled_reason = COALESCE(@reason, disabled_reason),
                failing_since = @failingSince WHERE id = @id;
            """, new
        {
            id = endpoint.Id.ToString(), enabled = endpoint.Enabled, reason = endpoint.DisabledReason,
            failingSince = endpoint.FailingSince?.ToUnixTimeMilliseconds(),
        }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<DeliveryAttempt>> ListAttemptsAsync(Guid endpointId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        var rows = await connection.QueryAsync<(string DeliveryId, string EndpointId, string EventId, long Attempt, long At, long? StatusCode, string? Error, double DurationMs)>("""
            SELECT delivery_id, endpoint_id, event_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts
            WHERE endpoint_id = @id ORDER BY seq DESC LIMIT @limit;
            """, new { id = endpointId.ToString(), limit });
        return rows.Select(r => new DeliveryAttempt(Guid.Parse(r.DeliveryId), Guid.Parse(r.EndpointId), Guid.Parse(r.EventId), (int)r.Attempt,
            DateTimeOffset.FromUnixTimeMilliseconds(r.At), (int?)r.StatusCode, r.Error, r.DurationMs)).ToList();
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(Guid endpointId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<DeliveryRow>(
                $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE endpoint_id = @id ORDER BY created_at DESC, id LIMIT @limit;",
                new { id = endpointId.ToString(), limit }))
            .Select(r => r.ToDelivery()).ToList();
    }

    public async Task<LearningEvent?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        var rows = await connection.QueryAsync<(string Id, string Type, string UserId, long Timestamp, string Data)>(
            "SELECT id, type, user_id, timestamp, data FROM events WHERE id = @id;", new { id = eventId.ToString() });
        return rows.Select(r => new LearningEvent(Guid.Parse(r.Id), r.Type, DateTimeOffset.FromUnixTimeMilliseconds(r.Timestamp), r.UserId, r.Data))
            .FirstOrDefault();
    }

    private sealed record EndpointRow(string Id, string Url, string EventTypes, string Secret, string? PreviousSecret, long? PreviousExpiresAt,
        long Enabled, string? DisabledReason, long CreatedAt, long? FailingSince)
    {
        public static EndpointRow Of(WebhookEndpoint e) => new(e.Id.ToString(), e.Url, string.Join(' ', e.EventTypes), e.Secret, e.PreviousSecret,
            e.PreviousSecretExpiresAt?.ToUnixTimeMilliseconds(), e.Enabled ? 1 : 0, e.DisabledReason, e.CreatedAt.ToUnixTimeMilliseconds(),
            e.FailingSince?.ToUnixTimeMilliseconds());

        public WebhookEndpoint ToEndpoint() => new(Guid.Parse(Id), Url, EventTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries), Secret,
            PreviousSecret, PreviousExpiresAt is { } p ? DateTimeOffset.FromUnixTimeMilliseconds(p) : null, Enabled != 0, DisabledReason,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), FailingSince is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null);
    }

    private sealed record LeasedRow(string Id, string EndpointId, string EventId, long Status, long Attempts, long NextAttemptAt, long CreatedAt, long Lease)
    {
        public WebhookDelivery ToDelivery() => new DeliveryRow(Id, EndpointId, EventId, Status, Attempts, NextAttemptAt, CreatedAt).ToDelivery();
    }

    private sealed record DeliveryRow(string Id, string EndpointId, string EventId, long Status, long Attempts, long NextAttemptAt, long CreatedAt)
    {
        public static DeliveryRow Of(WebhookDelivery d) => new(d.Id.ToString(), d.EndpointId.ToString(), d.EventId.ToString(), (long)d.Status,
            d.Attempts, d.NextAttemptAt.ToUnixTimeMilliseconds(), d.CreatedAt.ToUnixTimeMilliseconds());

        public WebhookDelivery ToDelivery() => new(Guid.Parse(Id), Guid.Parse(EndpointId), Guid.Parse(EventId), (DeliveryStatus)Status, (int)Attempts,
            DateTimeOffset.FromUnixTimeMilliseconds(NextAttemptAt), DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt));
    }
}
