using LearnProgress.Core.Analytics;
using LearnProgress.Core.Assessments;
using LearnProgress.Core.Certifications;

namespace LearnProgress.Tests.Domain;

public sealed class CertificationRulesTests
{
    private static readonly DateOnly Today = new(2026, 3, 10);

    private static Certification Cert(
        IReadOnlyList<CourseRequirement>? courses = null, IReadOnlyList<QuizRequirement>? quizzes = null, IReadOnlyList<SkillRequirement>? skills = null) =>
        new("cert", "Cert", "d", "c", new CertificationRequirements(courses ?? [], quizzes ?? [], skills ?? []), null);

    private static StoredAttempt Attempt(string id, string course, string quiz, long at, double share, params string[] skills) =>
        new("u", id, course, quiz, at - 10, at, [new ScoredItem("i1", share * 10, 10, skills)],
            new AttemptResult(share * 10, 10, share * 100, share >= 0.5, []));

    private static LearnerStanding Standing(
        Dictionary<string, double>? completion = null, IReadOnlyList<StoredAttempt>? attempts = null, Dictionary<string, double>? remaining = null,
        RecentPace? pace = null) =>
        new(completion ?? [], attempts ?? [], remaining ?? [], pace ?? new RecentPace(0, 0, LearnerAnalytics.PaceWindowDays), Today);

    [Fact]
    public void Eligible_only_when_every_requirement_is_met_and_a_value_exactly_at_the_minimum_meets_it()
    {
        var cert = Cert([new CourseRequirement("c1", 80)], [new QuizRequirement("c1", "q1", 70)]);
        var atMinimum = Eligibility.Evaluate(cert, Standing(new() { ["c1"] = 80 }, [Attempt("a", "c1", "q1", 1, 0.7)]));
        Assert.True(atMinimum.Eligible);
        Assert.All(atMinimum.Requirements, r => Assert.True(r.Met));
        Assert.Equal(1, atMinimum.Progress);
        Assert.Null(atMinimum.EstimatedDate);

        var oneShort = Eligibility.Evaluate(cert, Standing(new() { ["c1"] = 79.9 }, [Attempt("a", "c1", "q1", 1, 0.7)]));
        Assert.False(oneShort.Eligible);
        Assert.Equal(["course"], oneShort.Missing.Select(m => m.Kind));
    }

    [Fact]
    public void A_quiz_counts_by_its_best_attempt_and_only_its_own_quiz()
    {
        var cert = Cert(quizzes: [new QuizRequirement("c1", "q1", 80)]);
        var attempts = new[] { Attempt("a", "c1", "q1", 1, 0.9), Attempt("b", "c1", "q1", 2, 0.3), Attempt("c", "c1", "q2", 3, 1), Attempt("d", "c2", "q1", 4, 1) };
        var progress = Eligibility.Evaluate(cert, Standing(attempts: attempts));
        Assert.True(progress.Eligible);
        Assert.Equal(90, progress.Requirements[0].Current, 6);

        var other = Eligibility.Evaluate(cert, Standing(attempts: attempts.Skip(1).ToList()));
        Assert.False(other.Eligible);
        Assert.Equal(30, other.Requirements[0].Current, 6);
    }

    [Fact]
    public void Skill_mastery_is_the_bkt_fold_of_the_attempts_in_any_arrival_order()
    {
        var cert = Cert(skills: [new SkillRequirement("s1", 0.8)]);
        var one = Eligibility.Evaluate(cert, Standing(attempts: [Attempt("a", "c1", "q1", 1, 1, "s1")]));
        Assert.False(one.Eligible);
        Assert.Equal(Math.Round(Mastery.Of([Attempt("a", "c1", "q1", 1, 1, "s1")], "s1"), Eligibility.Decimals), one.Requirements[0].Current);

        var two = new[] { Attempt("b", "c1", "q1", 2, 1, "s1"), Attempt("a", "c1", "q1", 1, 1, "s1") };
        var forward = Eligibility.Evaluate(cert, Standing(attempts: two));
        var backward = Eligibility.Evaluate(cert, Standing(attempts: two.Reverse().Append(two[0]).ToList()));
        Assert.True(forward.Eligible);
        Assert.Equal(forward.Requirements[0].Current, backward.Requirements[0].Current);
    }

    [Fact]
    public void Progress_is_the_mean_share_of_each_requirement()
    {
        var cert = Cert([new CourseRequirement("c1", 50)], skills: [new SkillRequirement("s1", 0.5)]);
        var progress = Eligibility.Evaluate(cert, Standing(new() { ["c1"] = 25 }));
        // Course halfway (25 of 50), skill untouched (0 of 0.5).
        Assert.Equal(0.25, progress.Progress);
        Assert.False(progress.Eligible);
    }

    [Fact]
    public void The_estimate_uses_the_course_estimate_rule_on_the_footage_still_needed()
    {
        // 2,800 s played in the 28-day window over 7 active days: 100 s per calendar day.
        var pace = new RecentPace(2_800, 7, LearnerAnalytics.PaceWindowDays);
        var cert = Cert([new CourseRequirement("c1", 100), new CourseRequirement("c2", 50)]);
        var progress = Eligibility.Evaluate(cert, Standing(new() { ["c1"] = 50, ["c2"] = 0 }, remaining: new() { ["c1"] = 1_000, ["c2"] = 600 }, pace: pace));
        // c1 needs all 1,000 s left; c2 needs half of its 600 s: 1,300 s at 100 s a day is 13 days.
        Assert.Equal(Today.AddDays(13), progress.EstimatedDate);
        Assert.Equal(pace.Finish(1_300, Today), progress.EstimatedDate);
    }

    [Fact]
    public void No_estimate_without_recent_playing_or_while_a_quiz_or_skill_is_unmet()
    {
        var pace = new RecentPace(2_800, 7, LearnerAnalytics.PaceWindowDays);
        var course = Cert([new CourseRequirement("c1", 100)]);
        Assert.Null(Eligibility.Evaluate(course, Standing(new() { ["c1"] = 50 }, remaining: new() { ["c1"] = 100 })).EstimatedDate);

        var withQuiz = Cert([new CourseRequirement("c1", 100)], [new QuizRequirement("c1", "q1", 50)]);
        Assert.Null(Eligibility.Evaluate(withQuiz, Standing(new() { ["c1"] = 50 }, remaining: new() { ["c1"] = 100 }, pace: pace)).EstimatedDate);
    }

    [Fact]
    public void What_is_missing_reads_the_same_in_every_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            var progress = Eligibility.Evaluate(Cert(skills: [new SkillRequirement("s1", 0.85)]), Standing());
            Assert.Equal("skill 's1' mastered to 0.85 (now 0)", progress.Missing.Single().Describe());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(7L)]
    [InlineData(8L)]
    [InlineData(131_071L)]
    public void The_status_list_sets_exactly_the_revoked_bits(long index)
    {
        var encoded = StatusList.Encode([index]);
        Assert.StartsWith("u", encoded);
        Assert.True(StatusList.IsSet(encoded, index));
        Assert.False(StatusList.IsSet(encoded, index == 0 ? 1 : index - 1));
        Assert.False(StatusList.IsSet(StatusList.Encode([]), index));
    }

    [Fact]
    public void Status_indexes_beyond_one_list_go_to_the_next()
    {
        Assert.Equal((1L, 5L), StatusList.Locate(5));
        Assert.Equal((2L, 0L), StatusList.Locate(StatusList.Length));
        Assert.Equal(StatusList.Length + 3, StatusList.Global(2, 3));
    }
}
