using LearnProgress.Core.Events;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using LearnProgress.Tests.Model;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Domain;

/// <summary>Which events a change causes, decided from its plan and the state it was planned on.</summary>
public sealed class EventPlannerTests
{
    private static readonly DateOnly Day = new(2026, 3, 10);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordPlanner _planner = new(new CompletionRule(0.9));
    private readonly EventPlanner _events;
    private readonly PlanApplier _store = new();

    public EventPlannerTests() => _events = new EventPlanner(_clock, [3, 7]);

    private IReadOnlyList<LearningEvent> Apply(RecordChange change)
    {
        var plan = _events.Attach(_planner.Plan(change, _store.State), _store.State);
        _store.Apply(_planner, change);
        return plan.Events;
    }

    private static RecordChange Complete(string user, string course, string lecture, DateOnly day) =>
        RecordChange.Complete(new ExplicitCompletion(user, course, lecture, day));

    [Fact]
    public void Name_based_ids_match_the_rfc_9562_example()
    {
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), EventIds.NameBased(dns, "www.example.com"));
    }

    [Fact]
    public void A_completion_raises_lecture_completed_once_and_its_replay_nothing()
    {
        _store.Durations["c1"] = new Dictionary<string, double> { ["l1"] = 600, ["l2"] = 600 };

        var first = Apply(Complete("u1", "c1", "l1", Day));
        _clock.Advance(TimeSpan.FromMinutes(5));
        var replay = Apply(Complete("u1", "c1", "l1", Day));

        var e = Assert.Single(first);
        Assert.Equal(EventTypes.LectureCompleted, e.Type);
        Assert.Equal(EventIds.For(EventTypes.LectureCompleted, "u1", "c1/l1"), e.Id);
        Assert.Equal("""{"userId":"u1","courseId":"c1","lectureId":"l1","day":"2026-03-10"}""", e.Data);
        Assert.Equal("2026-03-10T09:00:00.000Z", e.FormattedTimestamp);
        Assert.Empty(replay);
    }

    [Fact]
    public void The_same_fact_decided_twice_has_the_same_id_and_another_learner_another()
    {
        var a = LearningEvent.Create(EventTypes.LectureCompleted, "u1", "c1/l1", _clock.GetUtcNow(), new { x = 1 });
        var b = LearningEvent.Create(EventTypes.LectureCompleted, "u1", "c1/l1", _clock.GetUtcNow().AddHours(1), new { x = 2 });
        var c = LearningEvent.Create(EventTypes.LectureCompleted, "u2", "c1/l1", _clock.GetUtcNow(), new { x = 1 });

        Assert.Equal(a.Id, b.Id);
        Assert.NotEqual(a.Id, c.Id);
        Assert.Equal(5, a.Id.Version);
    }

    [Fact]
    public void The_course_completes_with_its_last_lecture_and_not_before()
    {
        _store.Durations["c1"] = new Dictionary<string, double> { ["l1"] = 600, ["l2"] = 600 };

        var first = Apply(Complete("u1", "c1", "l1", Day));
        var last = Apply(Complete("u1", "c1", "l2", Day.AddDays(1)));

        Assert.DoesNotContain(first, e => e.Type == EventTypes.CourseCompleted);
        var course = Assert.Single(last, e => e.Type == EventTypes.CourseCompleted);
        Assert.Equal("""{"userId":"u1","courseId":"c1","day":"2026-03-11","lectures":2}""", course.Data);
        Assert.Equal(EventIds.For(EventTypes.CourseCompleted, "u1", "c1"), course.Id);
    }

    [Fact]
    public void Coverage_completion_from_a_flush_raises_the_events_too()
    {
        _store.Durations["c1"] = new Dictionary<string, double> { ["l1"] = 100 };
        var watched = new LectureProgress(100, 1_000, 100, Coverage.Of(0, 100));
        var change = RecordChange.Of(new FlushBatch(
            [new CourseProgressSnapshot("u1", "c1", new Dictionary<string, LectureProgress> { ["l1"] = watched })], []));

        var events = Apply(change);
        var again = Apply(change);

        Assert.Equal([EventTypes.LectureCompleted, EventTypes.CourseCompleted], events.Select(e => e.Type));
        Assert.Empty(again);
    }

    [Fact]
    public void A_run_crossing_a_milestone_raises_it_once()
    {
        var raised = new List<LearningEvent>();
        for (var i = 0; i < 8; i++)
            raised.AddRange(Apply(RecordChange.Mark("u1", Day.AddDays(i))));
        raised.AddRange(Apply(RecordChange.Mark("u1", Day.AddDays(7))));

        Assert.Equal([3, 7], raised.Select(e => System.Text.Json.JsonDocument.Parse(e.Data).RootElement.GetProperty("length").GetInt32()));
        Assert.All(raised, e => Assert.Equal(EventTypes.StreakMilestone, e.Type));
        Assert.Contains("\"day\":\"2026-03-16\"", raised[1].Data, StringComparison.Ordinal);
    }

    [Fact]
    public void A_late_day_joining_two_short_runs_crosses_the_milestone()
    {
        Apply(RecordChange.Mark("u1", Day));
        Apply(RecordChange.Mark("u1", Day.AddDays(2)));

        var joined = Apply(RecordChange.Mark("u1", Day.AddDays(1)));

        var e = Assert.Single(joined);
        Assert.Contains("\"length\":3", e.Data, StringComparison.Ordinal);
        Assert.Contains("\"start\":\"2026-03-10\"", e.Data, StringComparison.Ordinal);
    }

    [Fact]
    public void The_webhook_body_is_the_standard_webhooks_shape()
    {
        var e = LearningEvent.Create(EventTypes.LectureCompleted, "u1", "c1/l1", _clock.GetUtcNow(),
            new LectureCompletedData("u1", "c1", "l1", Day));

        Assert.Equal(
            $$$"""{"id":"{{{e.Id}}}","type":"lecture.completed","timestamp":"2026-03-10T09:00:00.000Z","data":{"userId":"u1","courseId":"c1","lectureId":"l1","day":"2026-03-10"}}""",
            e.ToJson());
    }
}
