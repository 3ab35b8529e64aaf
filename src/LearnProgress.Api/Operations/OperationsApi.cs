using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core;
using LearnProgress.Core.Flushing;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LearnProgress.Api.Operations;

public static class OperationsApi
{
    public sealed record FlushResponse(int Flushed, int Buckets, long Pending, double DurationMs, IReadOnlyList<HeldLearner> Held);

    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(1);

    public static IHostApplicationBuilder AddReadinessChecks(this IHostApplicationBuilder builder)
    {
        // A probe must get its answer at once: a dependency that does not answer within the timeout is unhealthy.
        builder.Services.AddHealthChecks()
            .AddCheck<BufferCheck>("buffer", HealthStatus.Unhealthy, ["ready"], ReadinessTimeout)
            .AddCheck<StoreCheck>("store", HealthStatus.Unhealthy, ["ready"], ReadinessTimeout)
            .AddCheck<ServiceHealth.FlushCheck>("flush", HealthStatus.Degraded, ["ready"]);
        return builder;
    }

    public static RouteGroupBuilder MapOperationsApi(this IEndpointRouteBuilder routes)
    {
        // Probes are never rate-limited: a balancer polling often, or sharing an address with other clients, must not
        // see a healthy instance as failing.
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous().DisableRateLimiting();
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteReadiness })
            .AllowAnonymous().DisableRateLimiting();

        var group = routes.MapGroup("/api/v1/admin").WithTags("Operations").RequireAuthorization(AuthExtensions.AdminPolicy);
        group.MapPost("/flush", Flush).WithSummary("Runs a flush of the write-behind buffer now.");
        return group;
    }

    public static async Task<Results<Ok<FlushResponse>, ProblemHttpResult>> Flush(
        WriteBehindFlusher flusher, IProgressBuffer buffer, ServiceHealth health, CancellationToken ct)
    {
        try
        {
            var result = await flusher.FlushAsync(ct);
            health.FlushSucceeded();
            return TypedResults.Ok(new FlushResponse(result.Flushed, result.Buckets, await buffer.CountPendingAsync(ct),
                Math.Round(result.Duration.TotalMilliseconds, 1), result.Held));
        }
        catch (FlushFailedException failed)
        {
            health.FlushFailed(failed.InnerException?.Message ?? failed.Message);
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The flush did not complete.",
                detail: $"{failed.Result.FailedBuckets} of {failed.Result.Buckets} buckets could not be written to the store; their changes stay buffered and are retried.");
        }
    }

    /// <summary>The overall status, then each check's status and, when not healthy, why (no exception details).</summary>
    private static Task WriteReadiness(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }

    private sealed class BufferCheck(IProgressBuffer buffer) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await buffer.CheckAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (Dependencies.Unavailable(ex) is not null)
            {
                return HealthCheckResult.Unhealthy("The progress buffer (Redis) cannot be reached or cannot take a write; pings and reads answer 503.");
            }
        }
    }

    private sealed class StoreCheck(IProgressStore store, StoreSetup setup) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            // Answering is not enough: until the indexes and the job storage are made, writes and jobs wait.
            if (!setup.IsComplete)
                return HealthCheckResult.Unhealthy(
                    "The store has not been set up since the service started (MongoDB did not answer); it is set up when it does, and direct writes answer 503 until then.");
            try
            {
                await store.CheckAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (Dependencies.Unavailable(ex) is not null)
            {
                return HealthCheckResult.Unhealthy("The store cannot be reached or is locked; pings are still buffered, direct writes answer 503.");
            }
        }
    }
}
