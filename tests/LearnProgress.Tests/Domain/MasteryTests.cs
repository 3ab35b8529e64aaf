using FsCheck;
using FsCheck.Fluent;
using LearnProgress.Core.Assessments;
using LearnProgress.Core.Events;

namespace LearnProgress.Tests.Domain;

public sealed class MasteryTests
{
    private static readonly BktParameters P = BktParameters.Default;
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Quiz Quiz = new("c1", "q1", "Quiz", 60,
    [
        new QuizItem("i1", 1, ["algebra"]),
        new QuizItem("i2", 2, ["algebra", "geometry"]),
        new QuizItem("i3", 4, ["geometry"]),
    ]);

    private static StoredAttempt Attempt(string id, long submittedAt, params (string Item, double Points)[] items) =>
        AttemptPlanner.Plan(Quiz, new AttemptSubmission("u1", id, "c1", "q1", submittedAt - 1000, submittedAt,
            items.Select(i => new ItemResult(i.Item, i.Points)).ToList()), [], Now).Attempt;

    [Fact]
    public void A_right_answer_from_the_prior_gives_the_hand_computed_posterior()
    {
        // P(L|right) = 0.2·0.9 / (0.2·0.9 + 0.8·0.2) = 0.18/0.34; then + (1 − that)·0.15 = 0.6.
        Assert.Equal(0.6, Bkt.Update(0.2, 1, P), 10);
        // From 0.6: 0.54 / (0.54 + 0.08) = 0.870968; + 0.129032·0.15 = 0.890323.
        Assert.Equal(0.8903226, Bkt.Update(0.6, 1, P), 6);
    }

    [Fact]
    public void A_wrong_answer_from_the_prior_gives_the_hand_computed_posterior()
    {
        // P(L|wrong) = 0.2·0.1 / (0.02 + 0.8·0.8) = 0.030303; + 0.969697·0.15 = 0.175758.
        Assert.Equal(0.1757576, Bkt.Update(0.2, 0, P), 6);
    }

    [Fact]
    public void Partial_credit_mixes_the_right_and_wrong_posteriors_by_the_share_of_points()
    {
        var right = 0.18 / 0.34;
        var wrong = 0.02 / 0.66;
        var mixed = 0.25 * right + 0.75 * wrong;
        Assert.Equal(mixed + (1 - mixed) * 0.15, Bkt.Update(0.2, 0.25, P), 10);
    }

    [Fact]
    public void Three_right_answers_master_a_skill_and_two_do_not()
    {
        var two = Bkt.Fold([new(1, "a", 0, 1), new(2, "b", 0, 1)], P);
        var three = Bkt.Fold([new(1, "a", 0, 1), new(2, "b", 0, 1), new(3, "c", 0, 1)], P);
        Assert.False(Bkt.IsMastered(two));
        Assert.True(Bkt.IsMastered(three));
        Assert.Equal(0.9773, three, 3);
    }

    [Fact]
    public void A_late_attempt_lands_in_its_place_by_submittedAt()
    {
        var early = Attempt("z-early", 1_000, ("i1", 0));
        var late = Attempt("a-late", 2_000, ("i1", 1));

        // wrong then right, whichever arrived first
        var expected = Bkt.Update(Bkt.Update(0.2, 0, P), 1, P);
        Assert.Equal(expected, Mastery.Of([late, early], "algebra"), 12);
        Assert.Equal(expected, Mastery.Of([early, late], "algebra"), 12);
    }

    [Theory]
    [InlineData(new double[] { 90, 92, 88, 95, 91 }, "advanced")]
    [InlineData(new double[] { 100, 70, 100, 70, 100 }, "proficient")] // mean 88, sd 14.7: not advanced
    [InlineData(new double[] { 75, 72, 78 }, "proficient")]
    [InlineData(new double[] { 100, 40, 100, 40 }, "developing")] // mean 70, sd 30
    [InlineData(new double[] { 50 }, "developing")]
    [InlineData(new double[] { 49.9, 20 }, "beginner")]
    public void Readiness_bands_follow_mean_and_spread(double[] percents, string expected) =>
        Assert.Equal(expected, ReadinessLevels.Of(percents));

    [Fact]
    public void No_percents_no_readiness() => Assert.Null(ReadinessLevels.Of([]));

    [Fact]
    public void Trend_is_the_least_squares_slope_per_attempt()
    {
        Assert.Null(Trends.Slope([80]));
        Assert.Equal(10, Trends.Slope([50, 60, 70])!.Value, 10);
        // x = 0..3, y = 1,3,2,4: slope = Σ(x−1.5)(y−2.5)/Σ(x−1.5)² = 4/5.
        Assert.Equal(0.8, Trends.Slope([1, 3, 2, 4])!.Value, 10);
    }

    [Fact]
    public void Course_figures_use_the_best_percent_per_quiz_and_the_latest_five_attempts()
    {
        var q2 = Quiz with { QuizId = "q2" };
        StoredAttempt On(Quiz quiz, string id, long at, double points) =>
            AttemptPlanner.Plan(quiz, new AttemptSubmission("u1", id, "c1", quiz.QuizId, at - 1, at, [new("i3", points)]), [], Now).Attempt;
        var attempts = new[]
        {
            On(Quiz, "a1", 1, 1), // 1/7 = 14.29 %
            On(Quiz, "a2", 2, 4), // 57.14 %
            On(q2, "a3", 3, 4),   // 57.14 %
        };

        var summary = CourseAssessment.Of(attempts, "c1");

        Assert.Equal(Math.Round((57.14 + 57.14) / 2, 2), summary.AverageScore);
        Assert.Equal(0, summary.QuizzesPassed);
        Assert.Equal(ReadinessLevels.Of([14.29, 57.14, 57.14]), summary.Readiness);
        Assert.Equal(Math.Round(Trends.Slope([14.29, 57.14, 57.14])!.Value, 2), summary.Trend);
        Assert.Equal(CourseAssessment.None, CourseAssessment.Of(attempts, "other"));
    }

    [Fact]
    public void Passing_and_mastering_raise_their_events_once()
    {
        var submission = new AttemptSubmission("u1", "a1", "c1", "q1", 0, 10, [new("i1", 1), new("i2", 2), new("i3", 4)]);
        var first = AttemptPlanner.Plan(Quiz, submission, [], Now);
        Assert.Equal([EventTypes.AttemptSubmitted, EventTypes.QuizPassed], first.Events.Select(e => e.Type));
        Assert.True(first.Attempt.Passed);
        Assert.Equal(100, first.Attempt.Percent);

        var history = new List<StoredAttempt> { first.Attempt };
        var second = AttemptPlanner.Plan(Quiz, submission with { AttemptId = "a2", SubmittedAt = 20 }, history, Now);
        Assert.DoesNotContain(second.Events, e => e.Type == EventTypes.QuizPassed);
        // algebra saw two right answers in a1 and two more in a2: mastered now, not before.
        Assert.Contains(second.Events, e => e.Type == EventTypes.SkillMastered && e.Data.Contains("\"algebra\""));
        history.Add(second.Attempt);
        var third = AttemptPlanner.Plan(Quiz, submission with { AttemptId = "a3", SubmittedAt = 30 }, history, Now);
        Assert.DoesNotContain(third.Events, e => e.Type is EventTypes.SkillMastered or EventTypes.QuizPassed);
        // The same fact decided again has the same id.
        Assert.Equal(first.Events[0].Id, AttemptPlanner.Plan(Quiz, submission, [], Now.AddHours(1)).Events[0].Id);
    }

    private static readonly string[] Skills = ["algebra", "geometry"];

    private static readonly Gen<StoredAttempt> AttemptGen =
        from id in Gen.Elements("a", "b", "c", "d", "e", "f", "g", "h")
        from at in Gen.Choose(0, 5)
        from p1 in Gen.Choose(0, 1)
        from p2 in Gen.Choose(0, 2)
        from p3 in Gen.Choose(0, 4)
        from items in Gen.SubListOf(new[] { ("i1", (double)p1), ("i2", (double)p2), ("i3", (double)p3) })
        where items.Count > 0
        select Attempt(id, at, items.ToArray());

    [Fact]
    public void Any_arrival_order_and_any_retries_give_the_mastery_of_the_ordered_history()
    {
        var scenario = from attempts in Gen.NonEmptyListOf(AttemptGen)
                       let distinct = attempts.DistinctBy(a => a.AttemptId).ToList()
                       from retries in Gen.SubListOf(distinct.ToArray())
                       from shuffled in Gen.Shuffle(distinct.Concat(retries).ToArray())
                       select (distinct, shuffled);

        Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            var ordered = s.distinct.OrderBy(a => a.SubmittedAt).ThenBy(a => a.AttemptId, StringComparer.Ordinal).ToList();
            foreach (var skill in Skills)
            {
                var expected = ordered.SelectMany(a => a.Items.Where(i => i.Skills.Contains(skill))).Aggregate(P.PInit, (k, i) => Bkt.Update(k, i.Share, P));
                Assert.Equal(expected, Mastery.Of(s.shuffled, skill), 12);
            }
            Assert.Equal(Mastery.PerSkill(s.distinct), Mastery.PerSkill(s.shuffled));
            Assert.Equal(CourseAssessment.Of(s.distinct, "c1"), CourseAssessment.Of(s.shuffled, "c1"));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Attempts_planned_one_by_one_in_any_order_end_with_the_same_mastery()
    {
        // Each submission is planned on what is stored when it arrives, as the store does; a retry of a stored id is not planned.
        var scenario = from attempts in Gen.NonEmptyListOf(AttemptGen)
                       let distinct = attempts.DistinctBy(a => a.AttemptId).ToList()
                       from retries in Gen.SubListOf(distinct.ToArray())
                       from shuffled in Gen.Shuffle(distinct.Concat(retries).ToArray())
                       select (distinct, shuffled);

        Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            var stored = new List<StoredAttempt>();
            var answers = new Dictionary<string, AttemptResult>();
            foreach (var a in s.shuffled)
            {
                if (stored.Any(x => x.AttemptId == a.AttemptId)) continue;
                var planned = AttemptPlanner.Plan(Quiz, new AttemptSubmission(a.UserId, a.AttemptId, a.CourseId, a.QuizId, a.StartedAt, a.SubmittedAt,
                    a.Items.Select(i => new ItemResult(i.ItemId, i.Points)).ToList()), stored, Now);
                stored.Add(planned.Attempt);
                answers[a.AttemptId] = planned.Attempt.Result;
            }
            Assert.Equal(s.distinct.Count, stored.Count);
            Assert.Equal(Mastery.PerSkill(s.distinct).Select(m => m.Mastery), Mastery.PerSkill(stored).Select(m => m.Mastery));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Pearson_is_undefined_without_variation()
    {
        Assert.Null(QuizAnalytics.Pearson([(1, 0.5)]));
        Assert.Null(QuizAnalytics.Pearson([(1, 0.5), (1, 0.9)]));
        Assert.Equal(1, QuizAnalytics.Pearson([(0, 0.2), (1, 0.9)])!.Value, 10);
        Assert.Equal(-1, QuizAnalytics.Pearson([(0, 0.9), (0.5, 0.5), (1, 0.1)])!.Value, 10);
    }

    [Fact]
    public void Quiz_analytics_give_difficulty_discrimination_and_mastery_bands()
    {
        StoredAttempt Of(string user, string id, double i1, double i3) => AttemptPlanner.Plan(Quiz,
            new AttemptSubmission(user, id, "c1", "q1", 0, 1, [new("i1", i1), new("i3", i3)]), [], Now).Attempt;
        var attempts = new[] { Of("u1", "a", 1, 4), Of("u2", "a", 0, 1), Of("u3", "a", 1, 2) };

        var report = QuizAnalytics.Of("c1", [Quiz], attempts);

        var i1 = report.Items.Single(i => i.ItemId == "i1");
        Assert.Equal(3, i1.Attempts);
        Assert.Equal(Math.Round(2 / 3.0, 4), i1.Difficulty);
        Assert.True(i1.Discrimination > 0.5);
        var i2 = report.Items.Single(i => i.ItemId == "i2");
        Assert.Equal((0, (double?)null, (double?)null), (i2.Attempts, i2.Difficulty, i2.Discrimination));
        var algebra = report.Skills.Single(s => s.SkillId == "algebra");
        Assert.Equal(3, algebra.Learners);
        Assert.Equal(3, algebra.Bands.Sum());
        Assert.Equal(1, algebra.Bands[0]); // the learner who missed i1: 0.176
        Assert.Equal(2, algebra.Bands[(int)(Bkt.Update(0.2, 1, P) * 5)]); // the two who got it: 0.6
    }
}
