using FluentValidation;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Courses;

public static class CoursesApi
{
    public static RouteGroupBuilder MapCoursesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/courses").WithTags("Courses");
        group.MapGet("/{courseId}", GetCourse).WithSummary("A course with its lectures, totalLectures and quizzes.");
        group.MapPost("/", CreateCourse).RequireAuthorization(AuthExtensions.AdminPolicy).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{courseId}/lectures/{lectureId}", PutLecture).RequireAuthorization(AuthExtensions.AdminPolicy);
        group.MapDelete("/{courseId}/lectures/{lectureId}", DeleteLecture).RequireAuthorization(AuthExtensions.AdminPolicy);
        return group;
    }

    public static async Task<Results<Ok<CourseResponse>, ProblemHttpResult>> GetCourse(
        string courseId, CatalogCache catalog, IAssessmentStore assessments, CancellationToken ct)
    {
        if (!Ids.IsValid(courseId)) return InvalidId("courseId");
        var course = await catalog.GetAsync(courseId, ct);
        if (course is null) return UnknownCourse(courseId);
        var quizzes = await assessments.ListQuizzesAsync(courseId, ct);
        return TypedResults.Ok(ToResponse(course) with { Quizzes = quizzes.Select(Assessments.QuizResponse.From).ToList() });
    }

    public static async Task<Results<Created<CourseResponse>, ProblemHttpResult>> CreateCourse(
        CreateCourseRequest request, IValidator<CreateCourseRequest> validator, ICourseCatalog store, CatalogCache catalog, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return TypedResults.Problem(Problems.Invalid(validation.ToDictionary()));
        if (!await store.CreateCourseAsync(request.Id!, request.Title!, ct))
            return TypedResults.Problem(Problems.Field(StatusCodes.Status409Conflict, "The course exists already.", "id", $"'{request.Id}' is taken."));
        await catalog.InvalidateAsync(request.Id!, ct);
        return TypedResults.Created($"/api/v1/courses/{request.Id}", new CourseResponse(request.Id!, request.Title!, 0, []));
    }

    public static async Task<Results<Created<LectureResponse>, Ok<LectureResponse>, ProblemHttpResult>> PutLecture(
        string courseId, string lectureId, PutLectureRequest request, IValidator<PutLectureRequest> validator,
        ICourseCatalog store, CatalogCache catalog, CancellationToken ct)
    {
        if (!Ids.IsValid(courseId)) return InvalidId("courseId");
        if (!Ids.IsValid(lectureId)) return InvalidId("lectureId");
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return TypedResults.Problem(Problems.Invalid(validation.ToDictionary()));

        var lecture = new Lecture(lectureId, request.Title!, request.DurationSeconds!.Value);
        var outcome = await store.PutLectureAsync(courseId, lecture, ct);
        await catalog.InvalidateAsync(courseId, ct);
        var response = new LectureResponse(lecture.Id, lecture.Title, lecture.DurationSeconds);
        return outcome switch
        {
            LectureWrite.CourseNotFound => UnknownCourse(courseId),
            LectureWrite.Created => TypedResults.Created($"/api/v1/courses/{courseId}/lectures/{lectureId}", response),
            _ => TypedResults.Ok(response),
        };
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteLecture(
        string courseId, string lectureId, ICourseCatalog store, CatalogCache catalog, CancellationToken ct)
    {
        if (!Ids.IsValid(courseId)) return InvalidId("courseId");
        if (!Ids.IsValid(lectureId)) return InvalidId("lectureId");
        if (!await store.DeleteLectureAsync(courseId, lectureId, ct))
            return TypedResults.Problem(Problems.NotFound("lectureId", $"Course '{courseId}' has no lecture '{lectureId}'."));
        await catalog.InvalidateAsync(courseId, ct);
        return TypedResults.NoContent();
    }

    internal static ProblemHttpResult InvalidId(string field) =>
        TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { [field] = [$"must be {Ids.Rule}."] }));

    internal static ProblemHttpResult UnknownCourse(string courseId) =>
        TypedResults.Problem(Problems.NotFound("courseId", $"There is no course '{courseId}'."));

    private static CourseResponse ToResponse(Course course) => new(course.Id, course.Title, course.TotalLectures,
        course.Lectures.Select(l => new LectureResponse(l.Id, l.Title, l.DurationSeconds)).ToList());
}
