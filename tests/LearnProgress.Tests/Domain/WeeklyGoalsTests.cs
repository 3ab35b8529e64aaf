using LearnProgress.Core.Analytics;
using LearnProgress.Core.Events;
using LearnProgress.Core.Goals;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;

namespace LearnProgress.Tests.Domain;

/// <summary>Which goal holds for a week, how far a week got, and the week that meets it raising goal.met once.</summary>
public sealed class WeeklyGoalsTests
{
    private const string User = "u1";
    // Monday 9 March 2026 starts the week; Wednesday the 11th is mid-week.
    private static readonly DateOnly Monday = new(2026, 3, 9);
    private static readonly DateOnly Wednesday = Monday.AddDays(2);
    private static readonly DateTimeOffset Now = new(2026, 3, 11, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_goal_changed_mid_week_holds_for_that_week_and_earlier_weeks_keep_theirs()
    {
        GoalChange[] history = [new(Monday.AddDays(-10), new WeeklyGoal(60, 0)), new(Wednesday, new WeeklyGoal(120, 3))];

        Assert.Equal(new WeeklyGoal(60, 0), WeeklyGoals.For(history, Monday.AddDays(-7)));
        Assert.Equal(new WeeklyGoal(120, 3), WeeklyGoals.For(history, Monday));
        Assert.Equal(new WeeklyGoal(120, 3), WeeklyGoals.For(history, Monday.AddDays(7)));
        Assert.Equal(WeeklyGoal.None, WeeklyGoals.For(history, Monday.AddDays(-21)));
        Assert.Equal(new WeeklyGoal(120, 3), WeeklyGoals.Current(history));
    }

    [Fact]
    public void Setting_the_goal_in_force_again_is_no_change_and_a_change_is_dated_today()
    {
        GoalChange[] history = [new(Monday, new WeeklyGoal(60, 2))];

        Assert.Null(WeeklyGoals.Change(history, new WeeklyGoal(60, 2), Wednesday));
        Assert.Equal(new GoalChange(Wednesday, new WeeklyGoal(90, 2)), WeeklyGoals.Change(history, new WeeklyGoal(90, 2), Wednesday));
        Assert.Null(WeeklyGoals.Change([], WeeklyGoal.None, Wednesday));
    }

    [Theory]
    [InlineData(30, 0, 1799, 0, false)]
    [InlineData(30, 0, 1800, 0, true)]
    [InlineData(30, 2, 7200, 1, false)]
    [InlineData(30, 2, 1800, 2, true)]
    [InlineData(0, 2, 0, 2, true)]
    [InlineData(0, 0, 99999, 99, false)]
    public void A_week_meets_its_goal_when_every_target_it_names_is_reached(int minutes, int lectures, double seconds, int done, bool met) =>
        Assert.Equal(met, WeeklyGoals.Met(new WeeklyGoal(minutes, lectures), seconds, done));

    [Fact]
    public void Progress_says_what_is_left_and_the_current_week_the_days_left_counting_today()
    {
        var current = WeeklyGoals.Progress(new WeeklyGoal(150, 5), 2_550, 2, Monday, Wednesday)!;
        var past = WeeklyGoals.Progress(new WeeklyGoal(150, 5), 9_000, 6, Monday.AddDays(-7), Wednesday)!;

        Assert.Equal(new WeekGoalProgress(150, 5, 42.5, 2, false, 107.5, 3, 5), current);
        Assert.Equal(new WeekGoalProgress(150, 5, 150, 6, true, 0, 0, null), past);
        Assert.Null(WeeklyGoals.Progress(WeeklyGoal.None, 100, 1, Monday, Wednesday));
    }

    [Fact]
    public void Weeks_carry_the_goal_that_held_for_each()
    {
        var days = new[] { new DayActivity(Monday.AddDays(-6), 3_600, 0, 0), new DayActivity(Monday, 600, 0, 1) };
        var weeks = LearnerAnalytics.Weekly(days, Wednesday, 3, DayOfWeek.Monday);
        GoalChange[] history = [new(Monday.AddDays(-7), new WeeklyGoal(60, 0)), new(Wednesday, new WeeklyGoal(30, 1))];

        var withGoals = WeeklyGoals.WithGoals(weeks, history, Wednesday);

        Assert.Null(withGoals[0].Goal);
        Assert.Equal(new WeekGoalProgress(60, 0, 60, 0, true, 0, 0, null), withGoals[1].Goal);
        Assert.Equal(new WeekGoalProgress(30, 1, 10, 1, false, 20, 0, 5), withGoals[2].Goal);
    }

    private static StoredState State(StoredLearner learner) => new(
        new Dictionary<CourseKey, IReadOnlyDictionary<string, StoredLecture>>(), new Dictionary<DayKey, StoredDay>(),
        new Dictionary<string, StoredLearner> { [User] = learner }, new Dictionary<string, IReadOnlyDictionary<string, double>>());

    private static StoredLearner Learner(WeeklyGoal goal, params StoredDay[] days) => new(TimeZoneInfo.Utc, [])
    {
        Goals = [new GoalChange(Monday.AddDays(-30), goal)],
        GoalWindow = new GoalWindow(Monday, Monday.AddDays(6)),
        GoalDays = days,
    };

    private static RecordPlan Plan(DateOnly day, double seconds, params LectureCompleted[] completed) =>
        new([], [new DayPlan(new DayKey(User, day), Coverage.Empty, seconds, 0, null)], [], completed);

    private static StoredDay Stored(DateOnly day, double seconds, int completions = 0) => new(day, Coverage.Empty, seconds, 0, completions);

    [Fact]
    public void The_plan_that_brings_the_week_to_its_goal_raises_goal_met_with_an_id_from_learner_and_week()
    {
        var stored = State(Learner(new WeeklyGoal(30, 1), Stored(Monday, 1_200, 1), Stored(Wednesday, 300)));

        var met = Assert.Single(GoalEvents.Decide(Plan(Wednesday, 600), stored, Now));

        Assert.Equal(EventTypes.GoalMet, met.Type);
        Assert.Equal(EventIds.For(EventTypes.GoalMet, User, "2026-03-09"), met.Id);
        Assert.Contains("\"weekStart\":\"2026-03-09\"", met.Data, StringComparison.Ordinal);
        Assert.Contains("\"minutes\":30", met.Data, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replayed_plan_or_more_learning_in_a_week_already_met_raises_nothing()
    {
        var stored = State(Learner(new WeeklyGoal(30, 0), Stored(Monday, 1_200), Stored(Wednesday, 600)));

        Assert.Empty(GoalEvents.Decide(Plan(Wednesday, 600), stored, Now));
        Assert.Empty(GoalEvents.Decide(Plan(Wednesday, 2_000), stored, Now));
    }

    [Fact]
    public void A_completion_can_meet_a_lecture_goal_and_a_week_short_of_it_raises_nothing()
    {
        var stored = State(Learner(new WeeklyGoal(0, 2), Stored(Monday, 100, 1)));
        var completion = new LectureCompleted(User, "c1", "l2", Wednesday);

        Assert.Single(GoalEvents.Decide(Plan(Wednesday, 60, completion), stored, Now));
        Assert.Empty(GoalEvents.Decide(Plan(Wednesday, 60), stored, Now));
    }

    [Fact]
    public void No_goal_or_no_loaded_window_raises_nothing()
    {
        var withoutGoal = State(new StoredLearner(TimeZoneInfo.Utc, []));
        var withoutWindow = State(Learner(new WeeklyGoal(1, 0)) with { GoalWindow = null });

        Assert.Empty(GoalEvents.Decide(Plan(Wednesday, 6_000), withoutGoal, Now));
        Assert.Empty(GoalEvents.Decide(Plan(Wednesday, 6_000), withoutWindow, Now));
    }

    [Fact]
    public void The_window_spans_the_whole_weeks_of_the_days_a_change_touches()
    {
        var change = new RecordChange([], [new ActivitySnapshot(User, new Dictionary<DateOnly, Coverage> { [Wednesday] = Coverage.Empty })],
            [new ExplicitCompletion(User, "c1", "l1", Monday.AddDays(8))], [new DayMark(new DayKey("other", Monday.AddDays(-20)))]);

        Assert.Equal(new GoalWindow(Monday, Monday.AddDays(13)), WeeklyGoals.Window(change, User, DayOfWeek.Monday));
        Assert.Equal(new GoalWindow(Monday.AddDays(-1), Monday.AddDays(13)), WeeklyGoals.Window(change, User, DayOfWeek.Sunday));
        Assert.Null(WeeklyGoals.Window(change, "nobody", DayOfWeek.Monday));
    }
}
