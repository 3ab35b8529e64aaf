using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using LearnProgress.Tests.Model;

namespace LearnProgress.Tests.Domain;

/// <summary>The flush planner: what a change stores, and that the stored state does not depend on how pings arrive.</summary>
public sealed class RecordPlannerTests
{
    private const int Cases = 300;
    private static readonly RecordPlanner Planner = new(new CompletionRule(0.9));
    private static readonly DateOnly May10 = new(2026, 5, 10);

    private static PlanApplier NewRecord(TimeZoneInfo? zone = null)
    {
        var record = new PlanApplier();
        record.Durations["c"] = PingScenarios.Lectures.ToDictionary(l => l.Id, l => l.Duration);
        record.Zones["u"] = zone ?? TimeZoneInfo.Utc;
        return record;
    }

    /// <summary>What a flush of the buffer holding exactly these pings hands over.</summary>
    private static RecordChange Flush(IEnumerable<ProgressPing> pings)
    {
        var list = pings.ToList();
        return RecordChange.Of(new FlushBatch(
            [new CourseProgressSnapshot("u", "c", ProgressMerge.Apply(new Dictionary<string, LectureProgress>(), list))],
            [new ActivitySnapshot("u", ProgressMerge.Played(list))]));
    }

    [Fact]
    public void Replaying_a_flush_changes_nothing_and_announces_nothing()
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var scenario = PingScenarios.Generate(seed);
            var record = NewRecord(scenario.Zone);
            record.Apply(Planner, Flush(scenario.Pings));
            var stored = record.Snapshot();

            var replay = record.Apply(Planner, Flush(scenario.Pings));

            Assert.Empty(replay.ChangedLectures);
            Assert.Empty(replay.Completed);
            Assert.Empty(replay.Runs);
            Assert.Equal(stored, record.Snapshot());
        }
    }

    [Fact]
    public void Any_order_with_repeats_in_any_split_between_flushes_stores_the_same_figures()
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var scenario = PingScenarios.Generate(seed);
            var whole = NewRecord(scenario.Zone);
            whole.Apply(Planner, Flush(scenario.Pings));

            var delivered = NewRecord(scenario.Zone);
            var sent = new List<ProgressPing>();
            var completions = 0;
            foreach (var delivery in scenario.Deliveries)
            {
                // The buffer holds everything since the key was created; a flush hands over the merged state so far.
                sent.AddRange(delivery);
                if (new Random(seed + sent.Count).Next(3) == 0 || delivery == scenario.Deliveries[^1])
                    completions += delivered.Apply(Planner, Flush(sent)).Completed.Count;
            }

            // Position, furthest, coverage, completion, day spans and seconds, runs: everything but a completion's day,
            // which is the day of the latest ping the flush that first sees it complete holds.
            Assert.Equal(whole.Snapshot(withCompletionDays: false), delivered.Snapshot(withCompletionDays: false));
            Assert.Equal(whole.Lectures.Values.Sum(l => l.Values.Count(v => v.Completed)), completions);
        }
    }

    [Fact]
    public void Coverage_reaching_the_threshold_completes_once_on_the_learners_day_of_its_latest_ping()
    {
        var kiritimati = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati");
        var record = NewRecord(kiritimati);
        var lateEvening = new DateTimeOffset(2026, 5, 10, 11, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(); // 01:00 on the 11th there
        var pings = Enumerable.Range(0, 11).Select(i =>
            PingScenarios.At("c", "l1", (i + 1) * 5, lateEvening - (10 - i) * 5_000L, i * 5, lateEvening - (11 - i) * 5_000L, "s", kiritimati)).ToList();

        var first = record.Apply(Planner, Flush(pings));
        var again = record.Apply(Planner, Flush(pings));

        Assert.Equal(new LectureCompleted("u", "c", "l1", new DateOnly(2026, 5, 11)), Assert.Single(first.Completed));
        Assert.Empty(again.Completed);
        Assert.Equal(new DayRun(new(2026, 5, 11), new(2026, 5, 11)), Assert.Single(record.Runs["u"]));
    }

    [Fact]
    public void An_explicit_completion_keeps_the_stored_position_and_a_repeat_changes_nothing()
    {
        var record = NewRecord();
        record.Apply(Planner, Flush([PingScenarios.At("c", "l2", 42, 1_000, null, null, null, TimeZoneInfo.Utc)]));

        var first = record.Apply(Planner, RecordChange.Complete(new ExplicitCompletion("u", "c", "l2", May10)));
        var second = record.Apply(Planner, RecordChange.Complete(new ExplicitCompletion("u", "c", "l2", May10.AddDays(1))));

        Assert.Equal(new LectureCompleted("u", "c", "l2", May10), Assert.Single(first.Completed));
        Assert.Empty(second.Completed);
        var stored = record.Lectures[new CourseKey("u", "c")]["l2"];
        Assert.Equal((42.0, true, (DateOnly?)May10), (stored.Progress.Position, stored.Completed, stored.CompletedOn));
    }

    [Fact]
    public void A_stored_completion_folds_its_day_into_the_runs_again_so_a_half_saved_change_heals()
    {
        var record = NewRecord();
        record.Apply(Planner, RecordChange.Complete(new ExplicitCompletion("u", "c", "l1", May10)));
        record.Runs.Clear();   // the lecture was saved, the runs were not

        var retried = record.Apply(Planner, RecordChange.Complete(new ExplicitCompletion("u", "c", "l1", May10)));

        Assert.Empty(retried.Completed);
        Assert.Equal(new DayRun(May10, May10), Assert.Single(record.Runs["u"]));
    }

    [Fact]
    public void Marks_add_up_and_a_day_becomes_active_with_a_minute_of_play()
    {
        var record = NewRecord();
        record.Apply(Planner, RecordChange.Mark("u", May10));
        record.Apply(Planner, RecordChange.Mark("u", May10));
        record.Apply(Planner, RecordChange.Of(new FlushBatch([], [new ActivitySnapshot("u", new Dictionary<DateOnly, Coverage>
        {
            [May10.AddDays(1)] = Coverage.Of(0, 59.9), [May10.AddDays(2)] = Coverage.Of(100, 160),
        })])));

        Assert.Equal(2, record.Days[new DayKey("u", May10)].Marks);
        Assert.Equal([new DayRun(May10, May10), new DayRun(May10.AddDays(2), May10.AddDays(2))], record.Runs["u"].OrderBy(r => r.Start));
    }

    [Fact]
    public void A_days_seconds_never_drop_below_what_was_stored_and_never_exceed_a_day() =>
        Assert.Equal((120.0, 86_400.0), (DayActivity.SecondsOf(Coverage.Of(0, 90), atLeast: 120), DayActivity.SecondsOf(Coverage.Of(0, 90_000))));
}
