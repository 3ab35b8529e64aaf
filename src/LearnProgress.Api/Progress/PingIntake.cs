using System.Globalization;
using FluentValidation;
using LearnProgress.Api.Courses;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Api.Progress;

/// <summary>Turns a player's ping into a <see cref="ProgressPing"/>, checked field by field and against the catalog.</summary>
public sealed class PingIntake(IValidator<PingRequest> validator, CatalogCache catalog, TimeProvider time)
{
    public sealed record Rejection(int Status, IDictionary<string, string[]> Errors);

    public async ValueTask<(ProgressPing? Ping, Rejection? Rejection)> AcceptAsync(PingRequest request, TimeZoneInfo zone, CancellationToken ct)
    {
        var validation = validator.Validate(request);
        if (!validation.IsValid)
            return (null, new Rejection(StatusCodes.Status400BadRequest, validation.ToDictionary()));

        var course = await catalog.GetAsync(request.CourseId!, ct);
        if (course is null)
            return (null, Reject(StatusCodes.Status404NotFound, "courseId", $"There is no course '{request.CourseId}'."));
        var lecture = course.FindLecture(request.LectureId!);
        if (lecture is null)
            return (null, Reject(StatusCodes.Status404NotFound, "lectureId", $"Course '{course.Id}' has no lecture '{request.LectureId}'."));
        if (request.WatchTime > lecture.DurationSeconds)
            return (null, Reject(StatusCodes.Status400BadRequest, "watchTime", string.Create(CultureInfo.InvariantCulture, $"must not exceed the lecture's duration ({lecture.DurationSeconds} s).")));

        var clientTs = request.ClientTs ?? time.GetUtcNow().ToUnixTimeMilliseconds();
        var day = LearnerClock.DayOf(clientTs, zone);
        return (new ProgressPing(course.Id, lecture.Id, request.WatchTime!.Value, clientTs,
            request.SegmentStart, request.SessionId, day, request.SegmentStartTs, LearnerClock.StartOf(day, zone)), null);
    }

    private static Rejection Reject(int status, string field, string error) =>
        new(status, new Dictionary<string, string[]> { [field] = [error] });
}
