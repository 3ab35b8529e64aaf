using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Goals;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Store;

/// <summary>The behaviour every system of record behind the store port must show; one subclass per adapter.</summary>
public abstract class StoreContract
{
    private readonly string _user = Unique.Id("u");
    private readonly string _course = Unique.Id("c");

    protected abstract RecordHarness Store { get; }

    private CourseProgressSnapshot Snapshot(params (string Lecture, LectureProgress Progress)[] lectures) =>
        new(_user, _course, lectures.ToDictionary(l => l.Lecture, l => l.Progress));

    private static FlushBatch Batch(params CourseProgressSnapshot[] progress) => new(progress, []);

    [Fact]
    public async Task An_upserted_batch_is_read_back()
    {
        await Store.UpsertProgressAsync(Batch(Snapshot(("l1", new(12.5, 1_000, 30)), ("l2", new(3, 2_000, 3)))));

        var progress = await Store.ReadProgressAsync(_user, _course);

        Assert.Equal(new LectureProgress(12.5, 1_000, 30), progress["l1"]);
        Assert.Equal(new LectureProgress(3, 2_000, 3), progress["l2"]);
        Assert.Empty(await Store.ReadProgressAsync(_user, Unique.Id("c")));
    }

    [Fact]
    public async Task Replaying_a_batch_changes_nothing()
    {
        var batch = Batch(Snapshot(("l1", new(40, 5_000, 90))));
        await Store.UpsertProgressAsync(batch);
        var once = await Store.ReadProgressAsync(_user, _course);

        await Store.UpsertProgressAsync(batch);

        Assert.Equal(once, await Store.ReadProgressAsync(_user, _course));
    }

    [Fact]
    public async Task An_older_snapshot_never_moves_resume_back_nor_lowers_furthest()
    {
        await Store.UpsertProgressAsync(Batch(Snapshot(("l1", new(40, 5_000, 90)))));

        await Store.UpsertProgressAsync(Batch(Snapshot(("l1", new(10, 4_000, 10)))));
        Assert.Equal(new LectureProgress(40, 5_000, 90), (await Store.ReadProgressAsync(_user, _course))["l1"]);

        await Store.UpsertProgressAsync(Batch(Snapshot(("l1", new(5, 6_000, 50)))));
        Assert.Equal(new LectureProgress(5, 6_000, 90), (await Store.ReadProgressAsync(_user, _course))["l1"]);
    }

    [Fact]
    public async Task A_batch_of_many_learners_is_written_whole()
    {
        var users = Enumerable.Range(0, 300).Select(_ => Unique.Id("u")).ToList();
        await Store.UpsertProgressAsync(new FlushBatch(users.Select(u =>
            new CourseProgressSnapshot(u, _course, new Dictionary<string, LectureProgress> { ["l1"] = new(1, 1, 1) })).ToList(), []));

        foreach (var user in users.Take(20))
            Assert.Equal(1, (await Store.ReadProgressAsync(user, _course))["l1"].Position);
    }

    [Fact]
    public async Task A_batch_of_many_learners_courses_and_days_stores_what_writing_each_learner_alone_stores()
    {
        // Two groups of learners with the same history: one group's change is written as one batch, the other's one
        // learner at a time (how a flush writes when a batch is refused). Both must end with the same record.
        var courses = new[] { Unique.Id("c"), Unique.Id("c"), Unique.Id("c") };
        foreach (var course in courses)
        {
            await Store.CreateCourseAsync(course, "Course");
            await Store.PutLectureAsync(course, new Lecture("l1", "One", 100));
            await Store.PutLectureAsync(course, new Lecture("l2", "Two", 200));
        }
        var batched = Enumerable.Range(0, 9).Select(_ => Unique.Id("u")).ToArray();
        var alone = Enumerable.Range(0, 9).Select(_ => Unique.Id("u")).ToArray();
        foreach (var users in new[] { batched, alone })
        {
            await Store.SetGoalAsync(users[0], new GoalChange(Day1.AddDays(-30), new WeeklyGoal(5, 1)));
            await Store.SetBoardNameAsync(users[1], "On the board");
            await Store.SetTimeZoneAsync(users[2], "Asia/Tokyo");
            for (var i = 0; i < users.Length; i++)
            {
                await Store.UpsertProgressAsync(new FlushBatch(
                    [new(users[i], courses[0], new Dictionary<string, LectureProgress> { ["l1"] = new(30, At(Day1.AddDays(-1)), 30, Coverage.Of(0, 30)) })],
                    [RecordHarness.Played(users[i], Day1.AddDays(-1), 120)]));
                if (i % 2 == 0) await Store.MarkDayAsync(users[i], Day1.AddDays(-2));
            }
        }
        FlushBatch Change(string[] users) => new(
            users.SelectMany((user, i) => courses.Take(1 + i % 3).Select((course, k) => new CourseProgressSnapshot(user, course,
                new Dictionary<string, LectureProgress>
                {
                    ["l1"] = new(60 + i, At(Day1, 10 + k), 95, Coverage.Of(0, 95)),
                    ["l2"] = new(10 * (i + 1), At(Day1, 11), 10 * (i + 1), Coverage.Of(0, 10 * (i + 1))),
                }))).ToList(),
            users.Select((user, i) => new ActivitySnapshot(user, new Dictionary<DateOnly, Coverage>
            {
                [Day1] = Coverage.Of(0, 100 + 30 * i),
                [Day1.AddDays(-1)] = Coverage.Of(0, 200),
            })).ToList());

        var batchPlan = await Store.PlanAsync(RecordChange.Of(Change(batched)));
        var alonePlans = new List<RecordPlan>();
        var aloneChange = Change(alone);
        foreach (var user in alone)
            alonePlans.Add(await Store.PlanAsync(RecordChange.Of(aloneChange.Of(user))));

        Assert.Contains(batchPlan.Events, e => e.UserId == batched[0] && e.Type == Core.Events.EventTypes.GoalMet);
        Assert.Contains(batchPlan.Boards, b => b.UserId == batched[1]);
        for (var i = 0; i < batched.Length; i++)
        {
            Assert.Equal(await RecordOfAsync(alone[i], courses), await RecordOfAsync(batched[i], courses));
            Assert.Equal(alonePlans[i].Events.Select(e => e.Type).Order(StringComparer.Ordinal),
                batchPlan.Events.Where(e => e.UserId == batched[i]).Select(e => e.Type).Order(StringComparer.Ordinal));
            Assert.Equal(alonePlans[i].Boards.Select(b => (b.Week, string.Join(",", b.Courses), b.Seconds)),
                batchPlan.Boards.Where(b => b.UserId == batched[i]).Select(b => (b.Week, string.Join(",", b.Courses), b.Seconds)));
        }
    }

    /// <summary>Everything the store holds of a learner, as text to compare across learners.</summary>
    private async Task<string> RecordOfAsync(string user, string[] courses)
    {
        var lectures = await Store.Store.ReadLecturesAsync(user, courses);
        var lines = lectures.SelectMany(c => c.Value.Select(l =>
            $"{courses.ToList().IndexOf(c.Key)}/{l.Key} {l.Value.Progress.Position} {l.Value.Progress.UpdatedAt} {l.Value.Progress.Furthest} " +
            $"{l.Value.Progress.Coverage.Format()} {l.Value.Completed} {l.Value.CompletedOn:O}")).ToList();
        lines.AddRange((await Store.Store.ReadDaysAsync(user, Day1.AddDays(-10), Day1.AddDays(1))).Select(d =>
            $"{d.Day:O} {d.Played.Format()} {d.Seconds} {d.Marks} {d.Completions}"));
        var learner = await Store.ReadLearnerAsync(user, Day1.AddDays(-40));
        lines.Add($"{learner.TotalCompleted} {learner.TotalWatchSeconds} {learner.LongestStreak} {string.Join(",", learner.RecentRuns)}");
        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines);
    }

    [Fact]
    public async Task The_catalog_keeps_its_lecture_counter_in_step()
    {
        Assert.True(await Store.CreateCourseAsync(_course, "Algebra"));
        Assert.False(await Store.CreateCourseAsync(_course, "Again"));

        Assert.Equal(LectureWrite.Created, await Store.PutLectureAsync(_course, new Lecture("l1", "Intro", 600)));
        Assert.Equal(LectureWrite.Created, await Store.PutLectureAsync(_course, new Lecture("l2", "Next", 300)));
        Assert.Equal(LectureWrite.Updated, await Store.PutLectureAsync(_course, new Lecture("l1", "Intro v2", 660)));
        var course = await Store.GetCourseAsync(_course);
        Assert.NotNull(course);
        Assert.Equal(("Algebra", 2), (course.Title, course.TotalLectures));
        Assert.Equal(new Lecture("l1", "Intro v2", 660), course.FindLecture("l1"));

        Assert.True(await Store.DeleteLectureAsync(_course, "l2"));
        Assert.False(await Store.DeleteLectureAsync(_course, "l2"));
        course = await Store.GetCourseAsync(_course);
        Assert.Equal(1, course!.TotalLectures);
        Assert.Equal(["l1"], course.Lectures.Select(l => l.Id));
    }

    [Fact]
    public async Task Lectures_of_an_unknown_course_are_refused()
    {
        Assert.Null(await Store.GetCourseAsync(_course));
        Assert.Equal(LectureWrite.CourseNotFound, await Store.PutLectureAsync(_course, new Lecture("l1", "Intro", 600)));
        Assert.False(await Store.DeleteLectureAsync(_course, "l1"));
    }

    [Fact]
    public async Task Concurrent_lecture_adds_count_each_lecture_once()
    {
        await Store.CreateCourseAsync(_course, "Busy");

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Store.PutLectureAsync(_course, new Lecture($"l{i % 10}", "t", 60))));

        Assert.Equal(10, (await Store.GetCourseAsync(_course))!.TotalLectures);
    }

    private static readonly DateOnly Day1 = new(2026, 5, 10);

    private static long At(DateOnly day, int hour = 12) =>
        new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero).ToUnixTimeMilliseconds();

    private async Task<string> CourseWithLecturesAsync(params double[] durations)
    {
        await Store.CreateCourseAsync(_course, "Course");
        for (var i = 0; i < durations.Length; i++)
            await Store.PutLectureAsync(_course, new Lecture($"l{i + 1}", "Lecture", durations[i]));
        return _course;
    }

    private FlushBatch Watched(string lecture, double from, double to, DateOnly day) =>
        new([Snapshot((lecture, new LectureProgress(to, At(day), to, Coverage.Of(from, to))))], []);

    [Fact]
    public async Task Coverage_merges_as_a_set_and_completion_happens_once_at_the_threshold()
    {
        await CourseWithLecturesAsync(100, 100);
        Assert.Empty(await Store.UpsertProgressAsync(Watched("l1", 0, 50, Day1)));
        Assert.Empty(await Store.UpsertProgressAsync(Watched("l1", 0, 50, Day1)));   // re-watching does not inflate

        var completed = await Store.UpsertProgressAsync(Watched("l1", 50, 90, Day1));
        var replayed = await Store.UpsertProgressAsync(Watched("l1", 50, 90, Day1));

        Assert.Equal(new LectureCompleted(_user, _course, "l1", Day1), Assert.Single(completed));
        Assert.Empty(replayed);
        var lecture = (await Store.ReadProgressAsync(_user, _course))["l1"];
        Assert.Equal(("0:90", true), (lecture.Coverage.Format(), lecture.Completed));
        var learner = await Store.ReadLearnerAsync(_user, Day1.AddDays(-40));
        Assert.Equal(1, learner.TotalCompleted);
        Assert.Equal(1, Assert.Single(await Store.ReadActivityAsync(_user, Day1, Day1)).Count);
        Assert.Equal(new RecordHarness.CourseCount(_course, 1, 2), Assert.Single(await Store.ReadCourseCompletionsAsync(_user)));
    }

    [Fact]
    public async Task Coverage_below_the_threshold_does_not_complete()
    {
        await CourseWithLecturesAsync(100);
        Assert.Empty(await Store.UpsertProgressAsync(Watched("l1", 0, 89, Day1)));
        Assert.False((await Store.ReadProgressAsync(_user, _course))["l1"].Completed);
    }

    [Fact]
    public async Task An_explicit_completion_is_idempotent()
    {
        await CourseWithLecturesAsync(100);

        var first = await Store.CompleteLectureAsync(_user, _course, "l1", Day1);
        var second = await Store.CompleteLectureAsync(_user, _course, "l1", Day1);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(1, (await Store.ReadLearnerAsync(_user, Day1)).TotalCompleted);
        Assert.Equal(1, Assert.Single(await Store.ReadActivityAsync(_user, Day1, Day1)).Count);
        Assert.Empty(await Store.UpsertProgressAsync(Watched("l1", 0, 100, Day1)));   // already complete
    }

    [Fact]
    public async Task Day_totals_take_the_larger_value_so_a_replayed_flush_never_double_counts()
    {
        var batch = new FlushBatch([], [RecordHarness.Played(_user, Day1, 120)]);
        await Store.UpsertProgressAsync(batch);
        await Store.UpsertProgressAsync(batch);
        await Store.UpsertProgressAsync(new FlushBatch([], [RecordHarness.Played(_user, Day1, 90)]));

        Assert.Equal(120, Assert.Single(await Store.ReadActivityAsync(_user, Day1, Day1)).Seconds);
        Assert.Equal(120, (await Store.ReadLearnerAsync(_user, Day1)).TotalWatchSeconds);
    }

    [Fact]
    public async Task Marks_add_to_the_day_count()
    {
        await Store.MarkDayAsync(_user, Day1);
        await Store.MarkDayAsync(_user, Day1);
        Assert.Equal(2, Assert.Single(await Store.ReadActivityAsync(_user, Day1, Day1)).Count);
    }

    [Fact]
    public async Task A_mark_retried_with_its_request_key_counts_once()
    {
        await Store.WriteAsync(RecordChange.Mark(_user, Day1, "tap-1"));
        await Store.WriteAsync(RecordChange.Mark(_user, Day1, "tap-1"));
        await Store.WriteAsync(RecordChange.Mark(_user, Day1, "tap-2"));
        await Store.MarkDayAsync(_user, Day1);
        Assert.Equal(3, Assert.Single(await Store.ReadActivityAsync(_user, Day1, Day1)).Count);
    }

    [Fact]
    public async Task Active_days_form_runs_and_a_late_day_joins_two()
    {
        foreach (var offset in new[] { 0, 1, 2, 4, 5 })
            await Store.MarkDayAsync(_user, Day1.AddDays(offset));
        var before = await Store.ReadLearnerAsync(_user, Day1.AddDays(-40));
        Assert.Equal(3, before.LongestStreak);
        Assert.Equal(2, before.RecentRuns.Count);

        // 50 s is not a full active minute; 70 s is.
        await Store.UpsertProgressAsync(new FlushBatch([], [RecordHarness.Played(_user, Day1.AddDays(3), 50)]));
        Assert.Equal(3, (await Store.ReadLearnerAsync(_user, Day1.AddDays(-40))).LongestStreak);
        await Store.UpsertProgressAsync(new FlushBatch([], [RecordHarness.Played(_user, Day1.AddDays(3), 70)]));

        var after = await Store.ReadLearnerAsync(_user, Day1.AddDays(-40));
        Assert.Equal(6, after.LongestStreak);
        Assert.Equal(new DayRun(Day1, Day1.AddDays(5)), Assert.Single(after.RecentRuns));
    }

    [Fact]
    public async Task The_latest_run_is_always_returned_however_old()
    {
        await Store.MarkDayAsync(_user, Day1.AddDays(-200));
        var record = await Store.ReadLearnerAsync(_user, Day1.AddDays(-32));
        Assert.Equal(Day1.AddDays(-200), Assert.Single(record.RecentRuns).End);
    }

    [Fact]
    public async Task Removing_a_completed_lecture_takes_it_out_of_the_course_count_and_adding_it_back_restores_it()
    {
        await CourseWithLecturesAsync(100, 100, 100);
        await Store.CompleteLectureAsync(_user, _course, "l1", Day1);
        await Store.CompleteLectureAsync(_user, _course, "l2", Day1);
        Assert.Equal(new RecordHarness.CourseCount(_course, 2, 3), Assert.Single(await Store.ReadCourseCompletionsAsync(_user)));

        await Store.DeleteLectureAsync(_course, "l2");
        Assert.Equal(new RecordHarness.CourseCount(_course, 1, 2), Assert.Single(await Store.ReadCourseCompletionsAsync(_user)));

        await Store.PutLectureAsync(_course, new Lecture("l2", "Back", 100));
        Assert.Equal(new RecordHarness.CourseCount(_course, 2, 3), Assert.Single(await Store.ReadCourseCompletionsAsync(_user)));
    }

    [Fact]
    public async Task A_coverage_completion_counts_for_the_day_of_the_learner_zone()
    {
        await CourseWithLecturesAsync(100);
        await Store.SetTimeZoneAsync(_user, "Pacific/Kiritimati");
        var lateEvening = new DateTimeOffset(2026, 5, 10, 11, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(); // 01:00 on the 11th there

        var completed = await Store.UpsertProgressAsync(new FlushBatch(
            [Snapshot(("l1", new LectureProgress(100, lateEvening, 100, Coverage.Of(0, 100))))], []));

        Assert.Equal(new DateOnly(2026, 5, 11), Assert.Single(completed).Day);
        Assert.Equal("Pacific/Kiritimati", (await Store.ReadLearnerAsync(_user, Day1)).TimeZone);
    }

    [Fact]
    public async Task A_time_zone_is_unset_until_the_learner_sets_one()
    {
        Assert.Null(await Store.GetTimeZoneAsync(_user));
        await Store.SetTimeZoneAsync(_user, "Europe/Paris");
        await Store.SetTimeZoneAsync(_user, "Asia/Tokyo");
        Assert.Equal("Asia/Tokyo", await Store.GetTimeZoneAsync(_user));
    }

    [Fact]
    public async Task A_new_learner_has_an_empty_record()
    {
        Assert.Equal(0, (await Store.ReadLearnerAsync(_user, Day1)).TotalCompleted);
        Assert.Empty((await Store.ReadLearnerAsync(_user, Day1)).RecentRuns);
        Assert.Empty(await Store.ReadCourseCompletionsAsync(_user));
    }
}
