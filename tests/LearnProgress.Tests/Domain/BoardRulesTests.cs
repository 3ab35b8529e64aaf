using LearnProgress.Core.Goals;
using LearnProgress.Core.Leaderboards;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;

namespace LearnProgress.Tests.Domain;

/// <summary>Board weeks, display names and the absolute week totals a plan leaves for learners on the boards.</summary>
public sealed class BoardRulesTests
{
    private const string User = "u1";
    private static readonly DateOnly Monday = new(2026, 3, 9);

    [Theory]
    [InlineData("Ada", true)]
    [InlineData("Émilie Ørsted-Åberg", true)]
    [InlineData("", false)]
    [InlineData("  ", false)]
    [InlineData("tab\there", false)]
    [InlineData("bidi\u202Eflip", false)]
    [InlineData("zero\u200Bwidth", false)]
    [InlineData("1234567890123456789012345678901234567890", true)]
    [InlineData("12345678901234567890123456789012345678901", false)]
    public void Display_names_are_1_to_40_characters_without_control_or_format_characters(string name, bool valid) =>
        Assert.Equal(valid, Boards.CheckDisplayName(name) is null);

    [Fact]
    public void Board_weeks_start_on_monday_of_the_date()
    {
        Assert.Equal(Monday, Boards.WeekOf(Monday.AddDays(6)));
        Assert.Equal(Monday.AddDays(7), Boards.WeekOf(Monday.AddDays(7)));
    }

    private static StoredState State(StoredLearner learner) => new(
        new Dictionary<CourseKey, IReadOnlyDictionary<string, StoredLecture>>(), new Dictionary<DayKey, StoredDay>(),
        new Dictionary<string, StoredLearner> { [User] = learner }, new Dictionary<string, IReadOnlyDictionary<string, double>>());

    private static RecordPlan Plan(params (DateOnly Day, double Seconds)[] days) => new(
        [new LecturePlan(new CourseKey(User, "c1"), "l1", new StoredLecture(new LectureProgress(10, 1, 10, Coverage.Empty), null), null)],
        days.Select(d => new DayPlan(new DayKey(User, d.Day), Coverage.Empty, d.Seconds, 0, null)).ToList(), [], []);

    [Fact]
    public void A_plan_leaves_the_absolute_total_of_each_board_week_it_touches_and_a_replay_the_same()
    {
        var learner = new StoredLearner(TimeZoneInfo.Utc, [])
        {
            BoardName = "Ada",
            GoalWindow = new GoalWindow(Monday, Monday.AddDays(13)),
            GoalDays = [new StoredDay(Monday, Coverage.Empty, 600, 0), new StoredDay(Monday.AddDays(2), Coverage.Empty, 300, 0)],
        };

        var scores = Boards.Scores(Plan((Monday.AddDays(2), 420), (Monday.AddDays(8), 60)), State(learner));
        var replay = Boards.Scores(Plan((Monday.AddDays(2), 420)), State(learner with
        {
            GoalDays = [new StoredDay(Monday, Coverage.Empty, 600, 0), new StoredDay(Monday.AddDays(2), Coverage.Empty, 420, 0)],
        }));

        Assert.Equal([(Monday, 1_020.0), (Monday.AddDays(7), 60.0)], scores.Select(s => (s.Week, s.Seconds)));
        Assert.All(scores, s => Assert.Equal(["c1"], s.Courses));
        Assert.Equal(1_020.0, Assert.Single(replay).Seconds);
    }

    [Fact]
    public void A_learner_not_on_the_boards_gets_no_score()
    {
        var learner = new StoredLearner(TimeZoneInfo.Utc, []) { GoalWindow = new GoalWindow(Monday, Monday.AddDays(6)) };

        Assert.Empty(Boards.Scores(Plan((Monday, 600)), State(learner)));
    }
}
