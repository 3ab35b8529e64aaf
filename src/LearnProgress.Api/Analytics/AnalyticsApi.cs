using Hangfire;
using LearnProgress.Core;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Operations;
using LearnProgress.Api.Security;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Analytics;

/// <summary>Instructor analytics: per lecture audience and retention curve, per course funnel.</summary>
public static partial class AnalyticsApi
{
    public const string RecurringJobId = "course-analytics";

    /// <summary>How often every course's analytics are recomputed from the store.</summary>
    public const string RefreshCron = "*/5 * * * *";

    public static IHostApplicationBuilder AddCourseAnalytics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddTransient<CourseAnalyticsJob>();
        builder.Services.AddRecurringJob((_, jobs) => jobs.AddOrUpdate<CourseAnalyticsJob>(RecurringJobId,
            job => job.RunAsync(CancellationToken.None), RefreshCron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc }));
        return builder;
    }

    public static RouteGroupBuilder MapAnalyticsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/courses").WithTags("Analytics").RequireAuthorization(AuthExtensions.InstructorPolicy);
        group.MapGet("/{courseId}/analytics", Course)
            .WithSummary("Per lecture: starters, completions, mean coverage and a 100-point retention curve; per course: the funnel. Recomputed every 5 minutes.");
        return group;
    }

    public static async Task<Results<Ok<CourseAnalytics>, ProblemHttpResult>> Course(
        string courseId, ICourseLookup catalog, ICourseAnalyticsStore store, CourseAnalyticsRefresher refresher, CancellationToken ct)
    {
        if (!Ids.IsValid(courseId))
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["courseId"] = [$"must be {Ids.Rule}."] }));
        if (await catalog.FindAsync(courseId, ct) is null)
            return TypedResults.Problem(Problems.NotFound("courseId", "No such course."));
        // Only a course never computed yet is computed on its read; every later read is the stored result.
        var analytics = await store.ReadAsync(courseId, ct) ?? await refresher.RefreshAsync(courseId, ct);
        return analytics is null ? TypedResults.Problem(Problems.NotFound("courseId", "No such course.")) : TypedResults.Ok(analytics);
    }
}

/// <summary>The recurring job that recomputes every course's analytics from the store.</summary>
public sealed partial class CourseAnalyticsJob(CourseAnalyticsRefresher refresher, ILogger<CourseAnalyticsJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var courses = await refresher.RefreshAllAsync(cancellationToken);
        LogRefreshed(logger, courses, (int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(LogLevel.Information, "Course analytics of {Courses} courses recomputed in {Elapsed} ms")]
    private static partial void LogRefreshed(ILogger logger, int courses, int elapsed);
}
