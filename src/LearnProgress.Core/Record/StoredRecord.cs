using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Core.Record;

/// <summary>One lecture as stored: its progress and, once complete, the learner's day it was completed on.</summary>
public sealed record StoredLecture(LectureProgress Progress, DateOnly? CompletedOn)
{
    public bool Completed => Progress.Completed;
}

/// <summary>
/// One stored day. <see cref="Seconds"/> is kept beside the spans it derives from (<see cref="DayActivity.SecondsOf"/>)
/// so reads need not parse them; <see cref="Completions"/> is counted from the lectures completed that day.
/// </summary>
public sealed record StoredDay(DateOnly Day, Coverage Played, double Seconds, int Marks, int Completions = 0,
    IReadOnlySet<string>? MarkKeys = null)
{
    /// <summary>Request keys of the marks already counted, where the store was asked for them.</summary>
    public IReadOnlySet<string> CountedMarks => MarkKeys ?? new HashSet<string>();

    public DayActivity Activity => new(Day, Seconds, Marks, Completions);
}

public readonly record struct CourseKey(string UserId, string CourseId);

public readonly record struct DayKey(string UserId, DateOnly Day);

/// <summary>What planning one learner's changes needs to know about the learner.</summary>
public sealed record StoredLearner(TimeZoneInfo Zone, IReadOnlyList<DayRun> Runs)
{
    public DayOfWeek WeekStart { get; init; } = Analytics.WeekDays.Default;

    /// <summary>The learner's weekly goals as set over time (see <see cref="Goals.WeeklyGoals"/>).</summary>
    public IReadOnlyList<Goals.GoalChange> Goals { get; init; } = [];

    /// <summary>
    /// Loaded only for a learner with goals or on the boards (<see cref="NeedsWeeks"/>): the whole weeks the change touches (<see cref="Goals.WeeklyGoals.Window"/>)
    /// and the stored days in them with their completions, so the planner can tell a week that just met its goal.
    /// </summary>
    public Goals.GoalWindow? GoalWindow { get; init; }

    public IReadOnlyList<StoredDay> GoalDays { get; init; } = [];

    /// <summary>The name the learner shows on the weekly boards; null while the learner has not joined them.</summary>
    public string? BoardName { get; init; }

    /// <summary>Whether a change needs the whole weeks around its days loaded (<see cref="GoalWindow"/>).</summary>
    public bool NeedsWeeks => Goals.Count > 0 || BoardName is not null;
}

/// <summary>What the store holds for the keys of one <see cref="RecordChange"/>, loaded before it is planned.</summary>
public sealed record StoredState(
    IReadOnlyDictionary<CourseKey, IReadOnlyDictionary<string, StoredLecture>> Lectures,
    IReadOnlyDictionary<DayKey, StoredDay> Days,
    IReadOnlyDictionary<string, StoredLearner> Learners,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Durations);

/// <summary>A learner's totals and streak runs, derived by the store from what it holds (never counted on write).</summary>
public sealed record LearnerSummary(int TotalCompleted, double TotalWatchSeconds, int LongestStreak, IReadOnlyList<DayRun> RecentRuns);
