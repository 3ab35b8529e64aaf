using System.Security.Claims;
using LearnProgress.Api.Courses;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Progress;

public static class ProgressApi
{
    public const int MaxBatch = 100;

    public static RouteGroupBuilder MapProgressApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/progress").WithTags("Progress").RequireLearner();
        group.MapPost("/save", Save).RequireRateLimiting(RateLimits.PingPolicy).WithSummary("Auto-save ping: buffered, merged last-writer-wins by clientTs.");
        group.MapPost("/batch", Batch).RequireRateLimiting(RateLimits.PingPolicy).WithSummary($"Up to {MaxBatch} pings (an offline queue) in one call.");
        group.MapGet("/{courseId}", Get).WithSummary("Resume positions of the caller in one course.");
        return group;
    }

    public static async Task<Results<Ok<Synced>, ProblemHttpResult>> Save(
        PingRequest ping, ClaimsPrincipal user, PingIntake intake, IProgressBuffer buffer, CancellationToken ct)
    {
        var (accepted, rejection) = await intake.AcceptAsync(ping, ct);
        if (rejection is not null)
            return TypedResults.Problem(Problems.Fields(rejection.Status,
                rejection.Status == StatusCodes.Status404NotFound ? "Not found." : "One or more fields are invalid.", rejection.Errors));
        await buffer.RecordAsync(user.Id(), [accepted!], ct);
        return TypedResults.Ok(new Synced());
    }

    public static async Task<Results<Ok<BatchResult>, ProblemHttpResult>> Batch(
        BatchRequest batch, ClaimsPrincipal user, PingIntake intake, IProgressBuffer buffer, CancellationToken ct)
    {
        if (batch.Pings is null || batch.Pings.Count == 0)
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["pings"] = ["must hold 1 to 100 pings."] }));
        if (batch.Pings.Count > MaxBatch)
            return TypedResults.Problem(Problems.Field(StatusCodes.Status413PayloadTooLarge, "Too many pings in one batch.",
                "pings", $"holds {batch.Pings.Count} pings; at most {MaxBatch} are accepted per call."));

        var accepted = new List<ProgressPing>(batch.Pings.Count);
        var rejected = new List<BatchRejection>();
        for (var i = 0; i < batch.Pings.Count; i++)
        {
            if (batch.Pings[i] is not { } request)
            {
                rejected.Add(new BatchRejection(i, new Dictionary<string, string[]> { ["$"] = ["must be a ping object."] }));
                continue;
            }
            var (ping, rejection) = await intake.AcceptAsync(request, ct);
            if (rejection is null) accepted.Add(ping!);
            else rejected.Add(new BatchRejection(i, rejection.Errors));
        }
        // All of one learner's keys share a hash slot, so the whole batch is one atomic script call.
        await buffer.RecordAsync(user.Id(), accepted, ct);
        return TypedResults.Ok(new BatchResult(accepted.Count, rejected));
    }

    public static async Task<Results<Ok<CourseProgressView>, ProblemHttpResult>> Get(
        string courseId, ClaimsPrincipal user, CatalogCache catalog, IProgressBuffer buffer, IProgressStore store, CancellationToken ct)
    {
        if (!Ids.IsValid(courseId)) return CoursesApi.InvalidId("courseId");
        var course = await catalog.GetAsync(courseId, ct);
        if (course is null) return CoursesApi.UnknownCourse(courseId);

        var learner = user.Id();
        var stored = store.ReadProgressAsync(learner, courseId, ct);
        var buffered = buffer.ReadAsync(learner, courseId, ct);
        // The same merge as a flush, so the answer is the same before and after one.
        var merged = ProgressMerge.Combine(await stored, await buffered);
        return TypedResults.Ok(CourseProgressView.Build(course, merged));
    }
}
