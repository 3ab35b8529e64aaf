using LearnProgress.Core.Events;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Core.Record;

/// <summary>
/// One lecture after a change. <see cref="Changed"/> says whether it differs from <see cref="Before"/>; unchanged
/// lectures are listed too, so a store that writes a day's completions apart from the lecture can write them again.
/// </summary>
public sealed record LecturePlan(CourseKey Course, string LectureId, StoredLecture After, StoredLecture? Before)
{
    public bool Changed => After != Before;
}

/// <summary>One day after a change: its played spans and seconds, marks to add and the request keys they came with.</summary>
public sealed record DayPlan(DayKey Key, Coverage Played, double Seconds, int AddMarks, StoredDay? Before)
{
    public IReadOnlyList<string> NewMarkKeys { get; init; } = [];
}

/// <summary>A learner's runs of active days before and after a change.</summary>
public sealed record RunsPlan(string UserId, IReadOnlyList<DayRun> Before, IReadOnlyList<DayRun> After)
{
    public IEnumerable<DayRun> Removed => Before.Except(After);
    public IEnumerable<DayRun> Added => After.Except(Before);
    public int Longest => After.Count == 0 ? 0 : After.Max(r => r.Length);
}

/// <summary>What a store writes for one <see cref="RecordChange"/>, decided by <see cref="RecordPlanner"/>.</summary>
public sealed record RecordPlan(
    IReadOnlyList<LecturePlan> Lectures,
    IReadOnlyList<DayPlan> Days,
    IReadOnlyList<RunsPlan> Runs,
    IReadOnlyList<LectureCompleted> Completed)
{
    public static readonly RecordPlan Empty = new([], [], [], []);

    /// <summary>The events the change causes, saved with it (see <see cref="EventPlanner"/>).</summary>
    public IReadOnlyList<LearningEvent> Events { get; init; } = [];

    /// <summary>The week totals of learners on the boards, written to them once the store has the change.</summary>
    public IReadOnlyList<Leaderboards.BoardScore> Boards { get; init; } = [];

    public IEnumerable<LecturePlan> ChangedLectures => Lectures.Where(l => l.Changed);
}
