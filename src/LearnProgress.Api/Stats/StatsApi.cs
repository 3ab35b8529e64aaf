using System.Security.Claims;
using LearnProgress.Api.Learners;
using LearnProgress.Api.Security;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Record;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Stats;

public static class StatsApi
{
    public static RouteGroupBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/stats").WithTags("Stats").RequireLearner();
        group.MapGet("/course-progress", Courses).WithSummary("Completion percentage of every course the caller has touched.");
        group.MapGet("/student", Student).WithSummary("Streaks, completions and watch time of the caller.");
        return group;
    }

    public static async Task<Ok<IReadOnlyList<CourseCompletion>>> Courses(
        ClaimsPrincipal user, LearnerZones zones, LearningRecord record, CancellationToken ct)
    {
        var learner = user.Id();
        return TypedResults.Ok(await record.CoursesAsync(learner, await zones.GetAsync(learner, ct), ct));
    }

    public static async Task<Ok<StudentSummary>> Student(
        ClaimsPrincipal user, LearnerZones zones, LearningRecord record, TimeProvider time, CancellationToken ct)
    {
        var learner = user.Id();
        var zone = await zones.GetAsync(learner, ct);
        return TypedResults.Ok(await record.StudentAsync(learner, zone, LearnerClock.Today(time, zone), ct));
    }
}
