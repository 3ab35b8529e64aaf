using LearnProgress.Core.Achievements;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Assessments;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Certifications;
using LearnProgress.Core.Goals;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Tests.Domain;

public sealed class ReportRulesTests
{
    private static readonly DateOnly Monday = new(2026, 3, 9);
    private static readonly Course Course = new("c1", "Algebra", 4,
        [new("l1", "Intro", 600), new("l2", "Sets", 600), new("l3", "Maps", 600), new("l4", "Groups", 600)]);

    private static NextStepsInput Input(IReadOnlyDictionary<string, LectureProgress> lectures, int streak = 0, bool todayActive = false,
        IReadOnlyList<SkillMastery>? skills = null, IReadOnlyList<Quiz>? quizzes = null, IReadOnlyCollection<EarnedAchievement>? earned = null) =>
        new([new CourseState(Course, lectures)], skills ?? [], new Dictionary<string, string> { ["fractions"] = "Fractions" }, quizzes ?? [],
            streak, todayActive, earned ?? [], AchievementRules.Defaults, Monday);

    private static LectureProgress Playing(double position, long at) => new(position, at, position);

    private static LectureProgress Done(long at) => new(600, at, 600, Coverage.Of(0, 600), true);

    [Fact]
    public void Next_steps_continue_the_latest_unfinished_lecture_and_offer_the_one_after_the_furthest_completed()
    {
        var steps = NextSteps.Plan(Input(new Dictionary<string, LectureProgress>
        {
            ["l1"] = Done(1_000), ["l2"] = Playing(30, 2_000), ["l3"] = Done(3_000), ["l4"] = Playing(252, 500),
        }));

        var resume = steps[0];
        Assert.Equal((NextStepKinds.Continue, "l2", 30.0), (resume.Kind, resume.LectureId, resume.Position));
        Assert.Equal("Continue \u201cSets\u201d in Algebra at 0:30, where you stopped.", resume.Reason);
        var next = steps[1];
        Assert.Equal((NextStepKinds.NextLecture, "l4", 252.0), (next.Kind, next.LectureId, next.Position));
        Assert.Contains("\u201cMaps\u201d", next.Reason);
    }

    [Fact]
    public void The_next_lecture_is_left_out_when_it_is_the_one_to_continue_or_the_course_is_done()
    {
        var continuing = NextSteps.Plan(Input(new Dictionary<string, LectureProgress> { ["l1"] = Done(1), ["l2"] = Playing(10, 2) }));
        var done = NextSteps.Plan(Input(Course.Lectures.ToDictionary(l => l.Id, _ => Done(1))));

        Assert.Equal([NextStepKinds.Continue, NextStepKinds.Milestone], continuing.Select(s => s.Kind));
        Assert.Equal([NextStepKinds.Milestone], done.Select(s => s.Kind));
    }

    [Fact]
    public void The_weakest_skills_below_mastery_come_with_the_quizzes_that_train_them()
    {
        var quiz = new Quiz("c1", "q1", "Quiz 1", 60, [new QuizItem("i1", 1, ["fractions"])]);
        var other = new Quiz("c1", "q2", "Quiz 2", 60, [new QuizItem("i1", 1, ["decimals"])]);
        SkillMastery[] skills =
        [
            new("fractions", 0.42, false, 2, 1, null), new("decimals", 0.97, true, 4, 1, null),
            new("ratios", 0.6, false, 1, 1, null), new("angles", 0.3, false, 1, 1, null), new("areas", 0.9, false, 1, 1, null),
        ];

        var review = NextSteps.Plan(Input(new Dictionary<string, LectureProgress>(), skills: skills, quizzes: [quiz, other]))
            .Where(s => s.Kind == NextStepKinds.ReviewSkill).ToList();

        Assert.Equal(["angles", "fractions", "ratios"], review.Select(s => s.SkillId));
        Assert.Equal([new QuizRef("c1", "q1", "Quiz 1")], review[1].Quizzes!);
        Assert.Equal("Review Fractions: mastery 0.42 is below 0.95; practise with \u201cQuiz 1\u201d.", review[1].Reason);
        Assert.Empty(review[0].Quizzes!);
    }

    [Theory]
    [InlineData(0, false, 6)]   // a new streak from today: the 7th day is today + 6
    [InlineData(5, false, 1)]   // 5 days to yesterday: today is the 6th, tomorrow the 7th
    [InlineData(5, true, 2)]    // 5 days to today: the 7th is the day after tomorrow
    public void The_next_streak_milestone_is_dated_by_studying_every_day_from_today(int streak, bool todayActive, int daysAhead)
    {
        var milestone = Assert.Single(NextSteps.Plan(Input(new Dictionary<string, LectureProgress>(), streak, todayActive)));

        Assert.Equal((NextStepKinds.Milestone, "streak-7", Monday.AddDays(daysAhead)), (milestone.Kind, milestone.AchievementId, milestone.EstimatedDate));
    }

    [Fact]
    public void After_the_first_streak_award_the_milestone_is_the_next_one()
    {
        var milestone = Assert.Single(NextSteps.Plan(Input(new Dictionary<string, LectureProgress>(), 8, true,
            earned: [new EarnedAchievement("streak-7", Monday)])));

        Assert.Equal(("streak-30", Monday.AddDays(22)), (milestone.AchievementId, milestone.EstimatedDate));
        Assert.Equal("Study 22 more days in a row to earn \u201c30-day streak\u201d (streak now 8).", milestone.Reason);
    }

    [Fact]
    public void An_unmet_weekly_goal_is_a_milestone_with_what_is_left_by_the_weeks_last_day()
    {
        // Wednesday of a Monday-first week, 40 of 150 minutes and 1 of 3 lectures done: Sunday is 5 days away, today counted.
        var wednesday = Monday.AddDays(2);
        var goal = WeeklyGoals.Progress(new WeeklyGoal(150, 3), 40 * 60, 1, Monday, wednesday);
        var steps = NextSteps.Plan(Input(new Dictionary<string, LectureProgress>()) with { Today = wednesday, Goal = goal });

        var step = Assert.Single(steps, s => s.AchievementId is null);
        Assert.Equal((NextStepKinds.Milestone, new DateOnly(2026, 3, 15)), (step.Kind, step.EstimatedDate));
        Assert.Equal("Play 110 more minutes and complete 2 more lectures by 2026-03-15 to meet this week's goal.", step.Reason);

        var met = WeeklyGoals.Progress(new WeeklyGoal(30, 0), 31 * 60, 0, Monday, wednesday);
        Assert.DoesNotContain(NextSteps.Plan(Input(new Dictionary<string, LectureProgress>()) with { Today = wednesday, Goal = met }),
            s => s.AchievementId is null);
        Assert.DoesNotContain(NextSteps.Plan(Input(new Dictionary<string, LectureProgress>()) with { Today = wednesday }), s => s.AchievementId is null);
    }

    [Fact]
    public void Certifications_started_and_not_held_are_milestones_the_eligible_one_first()
    {
        static RequirementStatus Quiz(double best) => new(RequirementKinds.Quiz, "c1", "q1", null, 80, best, best >= 80);
        static RequirementStatus Skill(double mastery) => new(RequirementKinds.Skill, null, null, "fractions", 0.95, mastery, mastery >= 0.95);
        var standings = new[]
        {
            new CertificationStanding("untouched", "Untouched", new("untouched", [Quiz(0), Skill(0)], 0, false, null)),
            new CertificationStanding("half", "Half way", new("half", [Quiz(90), Skill(0.4)], 0.71, false, null)),
            new CertificationStanding("ready", "Ready", new("ready", [Quiz(100), Skill(0.97)], 1, true, Monday)),
        };
        var steps = NextSteps.Plan(Input(new Dictionary<string, LectureProgress>()) with { Certifications = standings })
            .Where(s => s.CertificationId is not null).ToList();

        Assert.Equal(["ready", "half"], steps.Select(s => s.CertificationId));
        Assert.Equal(("Every requirement of \u201cReady\u201d is met: get its credential.", (DateOnly?)Monday), (steps[0].Reason, steps[0].EstimatedDate));
        Assert.Equal("\u201cHalf way\u201d: 1 of 2 requirements met; next, skill 'fractions' mastered to 0.95 (now 0.4).", steps[1].Reason);
        Assert.Null(steps[1].EstimatedDate);
    }

    [Theory]
    [InlineData(59, "0:59")]
    [InlineData(252.9, "4:12")]
    [InlineData(3725, "1:02:05")]
    public void Positions_read_as_a_player_shows_them(double seconds, string text) => Assert.Equal(text, NextSteps.Clock(seconds));

    private static DayActivity Day(int offset, double seconds, int completions = 0) => new(Monday.AddDays(offset), seconds, 0, completions);

    [Fact]
    public void A_week_sums_its_days_and_compares_them_with_the_week_before()
    {
        DayActivity[] days =
        [
            Day(-7, 600), Day(-6, 1200, 1), Day(-5, 30), Day(-4, 600),  // week before: 40.5 min, 3 active days, 1 lecture
            Day(0, 1800, 2), Day(2, 930), Day(6, 20, 1),                 // this week: 45.8 min, 3 active days, 3 lectures
            Day(7, 3600),                                                // the week after: not counted
        ];
        var earned = new List<ReportAchievement> { new("first-lecture", "First lecture completed", Monday.AddDays(-3)), new("lectures-10", "10", Monday.AddDays(6)) };

        var report = WeeklyReports.Build(Monday, "Europe/Paris", days, 4, earned, []);

        Assert.Equal(new WeekSummary(45.8, 3, 3, 4), report.Summary);
        Assert.Equal(Monday.AddDays(6), report.WeekEnd);
        Assert.Equal([30, 0, 15.5, 0, 0, 0, 0.3], report.Chart.Select(d => d.Minutes));
        Assert.Equal(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], report.Chart.Select(d => d.Weekday));
        Assert.Equal([true, false, true, false, false, false, true], report.Chart.Select(d => d.Active));
        Assert.Equal(["lectures-10"], report.Achievements.Select(a => a.AchievementId));
        Assert.Equal([(WeeklyReports.Minutes, 5.3), (WeeklyReports.LecturesCompleted, 2.0)], report.Improvements.Select(c => (c.Measure, c.Change)));
        Assert.Equal("5.3 more minutes of study than the week before (45.8 against 40.5).", report.Improvements[0].Text);
        Assert.Empty(report.Challenges);
        Assert.Equal(new WeekGoals(4, 55, 4), report.Goals);
    }

    [Fact]
    public void A_quieter_week_lists_its_falls_as_challenges_and_an_empty_fortnight_says_so()
    {
        var quieter = WeeklyReports.Build(Monday, "UTC", [Day(-7, 600), Day(-6, 600), Day(1, 120)], 0, [], []);
        var empty = WeeklyReports.Build(Monday, "UTC", [], 0, [], []);

        Assert.Equal([(WeeklyReports.Minutes, -18.0), (WeeklyReports.ActiveDays, -1.0)], quieter.Challenges.Select(c => (c.Measure, c.Change)));
        Assert.Equal("1 fewer active day than the week before (1 against 2).", quieter.Challenges[1].Text);
        Assert.Equal(new WeekGoals(3, 30, 1), quieter.Goals);
        Assert.Equal([WeeklyReports.ActiveDays], empty.Challenges.Select(c => c.Measure));
        Assert.All(empty.Chart, d => Assert.Equal(0, d.Minutes));
    }

    [Fact]
    public void The_streak_at_a_weeks_end_is_the_run_holding_its_last_day_or_the_day_before()
    {
        var sunday = Monday.AddDays(6);
        DayRun[] runs = [new(Monday.AddDays(-3), Monday.AddDays(9)), new(Monday.AddDays(-20), Monday.AddDays(-15))];

        Assert.Equal(10, WeeklyReports.StreakAt(runs, sunday));
        Assert.Equal(3, WeeklyReports.StreakAt([new DayRun(sunday.AddDays(-3), sunday.AddDays(-1))], sunday));
        Assert.Equal(0, WeeklyReports.StreakAt([new DayRun(sunday.AddDays(-5), sunday.AddDays(-2))], sunday));
    }

    [Theory]
    [InlineData("2026-03-15", "2026-03-02")]  // Sunday: the week of 9 March is still open
    [InlineData("2026-03-16", "2026-03-09")]  // Monday: it has ended
    public void The_last_complete_week_is_the_one_before_todays(string today, string monday)
    {
        Assert.Equal(DateOnly.Parse(monday, System.Globalization.CultureInfo.InvariantCulture),
            WeeklyReports.LastCompleteWeek(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
