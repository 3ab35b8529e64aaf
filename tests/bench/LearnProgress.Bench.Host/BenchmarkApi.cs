using System.Security.Claims;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Learners;
using LearnProgress.Api.Operations;
using LearnProgress.Api.Progress;
using LearnProgress.Api.Security;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Record;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Bench.Host;

/// <summary>
/// Yardsticks for the benchmark. Both sit behind the same middleware,
/// authentication and learner check as the ping endpoint and read the same body, so the benchmark compares like with
/// like: <c>bare</c> does none of the service's work (the web stack's ceiling), <c>through</c> writes each ping
/// straight into the store (the design the write-behind buffer replaces).
/// </summary>
public static class BenchmarkApi
{
    public static void MapBenchmarkApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/bench").RequireLearner().ExcludeFromDescription();
        group.MapPost("/bare", Bare);
        group.MapPost("/through", Through).WithPingMetrics();
        group.MapPost("/analytics/{courseId}", RefreshAnalytics).RequireAuthorization(AuthExtensions.AdminPolicy);
    }

    public sealed record Refreshed(double DurationMs, int Lectures);

    /// <summary>Times one run of what the recurring analytics job does for a course: read every learner's lectures, sweep, save.</summary>
    public static async Task<Ok<Refreshed>> RefreshAnalytics(string courseId, CourseAnalyticsRefresher refresher, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var analytics = await refresher.RefreshAsync(courseId, ct);
        return TypedResults.Ok(new Refreshed(Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1),
            analytics?.Lectures.Count ?? 0));
    }

    public static Ok<Synced> Bare(PingRequest ping) => TypedResults.Ok(new Synced());

    public static async Task<Results<Ok<Synced>, ProblemHttpResult>> Through(
        PingRequest ping, ClaimsPrincipal user, PingIntake intake, LearnerZones zones, RecordWriter record, CancellationToken ct)
    {
        var (accepted, rejection) = await intake.AcceptAsync(ping, await zones.GetAsync(user.Id(), ct), ct);
        if (rejection is not null) return TypedResults.Problem(Problems.Fields(rejection.Status, "Refused.", rejection.Errors));
        await record.WriteAsync(RecordChange.Of(new FlushBatch([new CourseProgressSnapshot(user.Id(), accepted!.CourseId,
            new Dictionary<string, LectureProgress> { [accepted.LectureId] = accepted.ToProgress() })], [])), ct);
        return TypedResults.Ok(new Synced());
    }
}
