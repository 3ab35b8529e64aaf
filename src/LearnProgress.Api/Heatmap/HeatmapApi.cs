using System.Security.Claims;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Learners;
using LearnProgress.Api.Security;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Record;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LearnProgress.Api.Heatmap;

public static class HeatmapApi
{
    public const int DefaultDays = 365;
    public const int MaxDays = 366;

    public sealed record Marked(string Message = "marked");

    /// <summary>A day of the heatmap; <see cref="Level"/> (0–4) is its shade among the learner's days answered.</summary>
    public sealed record HeatmapDay(DateOnly Date, int Count, double Seconds, int Level);

    public static RouteGroupBuilder MapHeatmapApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/progress/heatmap").WithTags("Heatmap").RequireLearner();
        // Written through to the store, so a flood is held to the same per-learner budget as pings.
        group.MapPost("/mark", Mark).RequireRateLimiting(RateLimits.PingPolicy).WithSummary("Adds one to today's count (the learner's day).");
        group.MapGet("/data", Data).WithSummary($"One entry per day, oldest first, ending today: days=1..{MaxDays}, default {DefaultDays}.");
        return group;
    }

    /// <summary>A client that may retry sends an <c>Idempotency-Key</c>: the mark then counts once however often it arrives.</summary>
    public static async Task<Results<Ok<Marked>, ProblemHttpResult>> Mark(
        ClaimsPrincipal user, LearnerZones zones, RecordWriter record, TimeProvider time,
        [FromHeader(Name = IdempotencyKey)] string? requestKey, CancellationToken ct)
    {
        if (requestKey is not null && !Ids.IsValid(requestKey))
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { [IdempotencyKey] = [$"must be {Ids.Rule}."] }));
        var learner = user.Id();
        await record.WriteAsync(RecordChange.Mark(learner, LearnerClock.Today(time, await zones.GetAsync(learner, ct)), requestKey), ct);
        return TypedResults.Ok(new Marked());
    }

    public const string IdempotencyKey = "Idempotency-Key";

    public static async Task<Results<Ok<List<HeatmapDay>>, ProblemHttpResult>> Data(
        int? days, ClaimsPrincipal user, LearnerZones zones, LearningRecord record, TimeProvider time, CancellationToken ct)
    {
        var span = days ?? DefaultDays;
        if (span is < 1 or > MaxDays)
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["days"] = [$"must be from 1 to {MaxDays}."] }));
        var learner = user.Id();
        var zone = await zones.GetAsync(learner, ct);
        var activity = await record.HeatmapAsync(learner, zone, LearnerClock.Today(time, zone), span, ct);
        var levels = LearnerAnalytics.Levels(activity);
        return TypedResults.Ok(activity.Select((d, i) => new HeatmapDay(d.Day, d.Count, d.Seconds, levels[i])).ToList());
    }
}
