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

    public static IHostApplicationBuilder AddReadinessChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<BufferCheck>("buffer", tags: ["ready"])
            .AddCheck<StoreCheck>("store", tags: ["ready"]);
        return builder;
    }

    public static RouteGroupBuilder MapOperationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();

        var group = routes.MapGroup("/api/v1/admin").WithTags("Operations").RequireAuthorization(AuthExtensions.AdminPolicy);
        group.MapPost("/flush", Flush).WithSummary("Runs a flush of the write-behind buffer now.");
        return group;
    }

    public static async Task<Results<Ok<FlushResponse>, ProblemHttpResult>> Flush(
        WriteBehindFlusher flusher, IProgressBuffer buffer, CancellationToken ct)
    {
        try
        {
            var result = await flusher.FlushAsync(ct);
            return TypedResults.Ok(new FlushResponse(result.Flushed, result.Buckets, await buffer.CountPendingAsync(ct),
                Math.Round(result.Duration.TotalMilliseconds, 1), result.Held));
        }
        catch (FlushFailedException failed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The flush did not complete.",
                detail: $"{failed.Result.FailedBuckets} of {failed.Result.Buckets} buckets could not be written to the store; their changes stay buffered and are retried.");
        }
    }

    private sealed class BufferCheck(IProgressBuffer buffer) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await buffer.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
    }

    private sealed class StoreCheck(IProgressStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await store.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
    }
}
