using System.Security.Claims;
using LearnProgress.Api.Courses;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Hub;
using LearnProgress.Api.Learners;
using LearnProgress.Api.Operations;
using LearnProgress.Api.Security;
using LearnProgress.Core;
using LearnProgress.Core.Assessments;
using LearnProgress.Core.Record;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Progress;

public static class ProgressApi
{
    public const int MaxBatch = 100;

    public static RouteGroupBuilder MapProgressApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/progress").WithTags("Progress").RequireLearner();
        group.MapPost("/save", Save).RequireRateLimiting(RateLimits.PingPolicy).WithPingMetrics().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Auto-save ping: buffered, merged last-writer-wins by clientTs.");
        group.MapPost("/batch", Batch).RequireRateLimiting(RateLimits.PingPolicy).WithPingMetrics()
            .WithSummary($"Up to {MaxBatch} pings (an offline queue) in one call.");
        // Written through to the store, so a flood is held to the same per-learner budget as pings.
        group.MapPost("/complete", Complete).RequireRateLimiting(RateLimits.PingPolicy).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Marks a lecture completed at once (idempotent).");
        group.MapGet("/{courseId}", Get).WithSummary("Resume positions, coverage and completion of the caller in one course.");
        return group;
    }

    public static async Task<Results<Ok<Synced>, ProblemHttpResult>> Save(
        PingRequest ping, ClaimsPrincipal user, PingIntake intake, LearnerZones zones, IProgressBuffer buffer, ProgressPush push, CancellationToken ct)
    {
        var learner = user.Id();
        var (accepted, rejection) = await intake.AcceptAsync(ping, await zones.GetAsync(learner, ct), ct);
        if (rejection is not null)
            return TypedResults.Problem(Problems.Fields(rejection.Status,
                rejection.Status == StatusCodes.Status404NotFound ? "Not found." : "One or more fields are invalid.", rejection.Errors));
        await buffer.RecordAsync(learner, [accepted!], ct);
        push.Accepted(learner, accepted!);
        return TypedResults.Ok(new Synced());
    }

    public static async Task<Results<Ok<BatchResult>, ProblemHttpResult>> Batch(
        BatchRequest batch, ClaimsPrincipal user, PingIntake intake, LearnerZones zones, IProgressBuffer buffer, ProgressPush push, CancellationToken ct)
    {
        if (batch.Pings is null || batch.Pings.Count == 0)
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["pings"] = [$"must hold 1 to {MaxBatch} pings."] }));
        if (batch.Pings.Count > MaxBatch)
            return TypedResults.Problem(Problems.Field(StatusCodes.Status413PayloadTooLarge, "Too many pings in one batch.",
                "pings", $"holds {batch.Pings.Count} pings; at most {MaxBatch} are accepted per call."));

        var learner = user.Id();
        var zone = await zones.GetAsync(learner, ct);
        var accepted = new List<ProgressPing>(batch.Pings.Count);
        var rejected = new List<BatchRejection>();
        for (var i = 0; i < batch.Pings.Count; i++)
        {
            if (batch.Pings[i] is not { } request)
            {
                rejected.Add(new BatchRejection(i, new Dictionary<string, string[]> { ["$"] = ["must be a ping object."] }));
                continue;
            }
            var (ping, rejection) = await intake.AcceptAsync(request, zone, ct);
            if (rejection is null) accepted.Add(ping!);
            else rejected.Add(new BatchRejection(i, rejection.Errors));
        }
        // All of one learner's keys share a hash slot, so the whole batch is one atomic script call.
        await buffer.RecordAsync(learner, accepted, ct);
        foreach (var ping in accepted) push.Accepted(learner, ping);
        return TypedResults.Ok(new BatchResult(accepted.Count, rejected));
    }

    public static async Task<Results<Ok<Completed>, ProblemHttpResult>> Complete(
        CompleteRequest request, ClaimsPrincipal user, CatalogCache catalog, LearnerZones zones, RecordWriter record,
        TimeProvider time, CancellationToken ct)
    {
        if (!Ids.IsValid(request.CourseId)) return CoursesApi.InvalidId("courseId");
        if (!Ids.IsValid(request.LectureId)) return CoursesApi.InvalidId("lectureId");
        var course = await catalog.GetAsync(request.CourseId!, ct);
        if (course is null) return CoursesApi.UnknownCourse(request.CourseId!);
        if (course.FindLecture(request.LectureId!) is null)
            return TypedResults.Problem(Problems.NotFound("lectureId", $"Course '{course.Id}' has no lecture '{request.LectureId}'."));

        var learner = user.Id();
        var today = LearnerClock.Today(time, await zones.GetAsync(learner, ct));
        // Written through, not buffered: the learner pressed a button and expects the record to show it now.
        await record.WriteAsync(RecordChange.Complete(new ExplicitCompletion(learner, course.Id, request.LectureId!, today)), ct);
        return TypedResults.Ok(new Completed());
    }

    public static async Task<Results<Ok<CourseProgressView>, ProblemHttpResult>> Get(
        string courseId, ClaimsPrincipal user, CatalogCache catalog, LearnerZones zones, LearningRecord record, IAssessmentStore assessments,
        CancellationToken ct)
    {
        if (!Ids.IsValid(courseId)) return CoursesApi.InvalidId("courseId");
        var course = await catalog.GetAsync(courseId, ct);
        if (course is null) return CoursesApi.UnknownCourse(courseId);
        var learner = user.Id();
        var attempts = assessments.ReadLearnerAttemptsAsync(learner, ct);
        var view = await record.CourseAsync(learner, course, await zones.GetAsync(learner, ct), ct);
        return TypedResults.Ok(view.WithAssessment(CourseAssessment.Of(await attempts, courseId)));
    }
}
