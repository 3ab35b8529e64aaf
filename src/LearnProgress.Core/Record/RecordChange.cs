using LearnProgress.Core.Progress;

namespace LearnProgress.Core.Record;

/// <summary>
/// One heatmap mark of a learner's day. A mark sent with a request key counts once however often it is retried;
/// one without counts every time.
/// </summary>
public sealed record DayMark(DayKey Day, string? RequestKey = null);

/// <summary>A lecture the learner marked complete, on the learner's day.</summary>
public sealed record ExplicitCompletion(string UserId, string CourseId, string LectureId, DateOnly Day);

/// <summary>
/// Everything that changes the learning record: a flushed buffer batch, explicit completions and heatmap marks.
/// The store loads what its keys name, <see cref="RecordPlanner"/> decides, the store saves the plan.
/// </summary>
public sealed record RecordChange(
    IReadOnlyList<CourseProgressSnapshot> Progress,
    IReadOnlyList<ActivitySnapshot> Activity,
    IReadOnlyList<ExplicitCompletion> Completions,
    IReadOnlyList<DayMark> Marks)
{
    public static RecordChange Of(FlushBatch batch) => new(batch.Progress, batch.Activity, [], []);

    public static RecordChange Complete(ExplicitCompletion completion) => new([], [], [completion], []);

    public static RecordChange Mark(string userId, DateOnly day, string? requestKey = null) =>
        new([], [], [], [new DayMark(new DayKey(userId, day), requestKey)]);

    public IEnumerable<CourseKey> Courses =>
        Progress.Select(p => new CourseKey(p.UserId, p.CourseId))
            .Concat(Completions.Select(c => new CourseKey(c.UserId, c.CourseId)))
            .Distinct();

    public IEnumerable<DayKey> Days =>
        Activity.SelectMany(a => a.Played.Keys.Select(day => new DayKey(a.UserId, day))).Concat(Marks.Select(m => m.Day)).Distinct();

    public IEnumerable<string> Users =>
        Courses.Select(c => c.UserId).Concat(Days.Select(d => d.UserId)).Distinct(StringComparer.Ordinal);
}
