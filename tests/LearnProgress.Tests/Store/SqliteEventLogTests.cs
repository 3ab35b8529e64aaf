using LearnProgress.Core.Events;
using LearnProgress.Core.Record;
using LearnProgress.Sqlite;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Store;

/// <summary>The outbox in the SQLite file: events committed with the plan that carries them, first write wins, read in order.</summary>
public sealed class SqliteEventLogTests(SqliteFile file) : IClassFixture<SqliteFile>
{
    private readonly string _user = Unique.Id("u");
    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private LearningEvent Event(string subject, DateTimeOffset at) =>
        LearningEvent.Create(EventTypes.LectureCompleted, _user, subject, at, new { userId = _user, subject });

    private Task<RecordPlan> Save(params LearningEvent[] events) =>
        file.Record.Store.ApplyAsync(RecordChange.Mark(_user, DateOnly.FromDateTime(At.UtcDateTime)), _ => RecordPlan.Empty with { Events = events });

    private async Task<List<StoredEvent>> Mine()
    {
        var log = new SqliteEventLog(file.Database);
        var all = new List<StoredEvent>();
        long after = 0;
        while (await log.ReadAfterAsync(after, 3) is { Events.Count: > 0 } page)
        {
            all.AddRange(page.Events);
            after = page.Next;
        }
        return all.Where(e => e.Event.UserId == _user).ToList();
    }

    [Fact]
    public async Task Events_are_read_back_in_write_order_and_a_replay_keeps_the_first_write()
    {
        var a = Event("a", At);
        var b = Event("b", At);
        var c = Event("c", At);

        await Save(a, b);
        await Save(Event("a", At.AddHours(1)), c);

        var stored = await Mine();
        Assert.Equal([a, b, c], stored.Select(s => s.Event));
        Assert.True(stored[0].Sequence < stored[1].Sequence && stored[1].Sequence < stored[2].Sequence);
    }

    [Fact]
    public async Task A_change_whose_save_fails_leaves_neither_its_state_nor_its_events()
    {
        var day = DateOnly.FromDateTime(At.UtcDateTime);
        var change = RecordChange.Mark(_user, day);
        var planner = new RecordPlanner(new Core.Progress.CompletionRule(0.9));
        // The second event breaks a NOT NULL column, after the day and the first event were written in the transaction.
        var broken = Event("broken", At) with { Type = null! };

        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => file.Record.Store.ApplyAsync(change,
            stored => planner.Plan(change, stored) with { Events = [Event("good", At), broken] }));

        Assert.Empty(await Mine());
        Assert.Empty(await file.Record.ReadActivityAsync(_user, day, day));
    }

    [Fact]
    public async Task Erasing_a_learner_whose_events_sit_between_anothers_lets_the_feed_read_on_at_once()
    {
        var erased = Unique.Id("u");
        var b1 = Event("1", At);
        var (a1, a2) = (LearningEvent.Create(EventTypes.LectureCompleted, erased, "1", At, new { userId = erased }),
            LearningEvent.Create(EventTypes.LectureCompleted, erased, "2", At, new { userId = erased }));
        var b2 = Event("2", At);
        await Save(b1);
        await file.Record.Store.ApplyAsync(RecordChange.Mark(erased, DateOnly.FromDateTime(At.UtcDateTime)), _ => RecordPlan.Empty with { Events = [a1, a2] });
        await Save(b2);
        var log = new SqliteEventLog(file.Database);
        var before = (await log.ReadAfterAsync(0, 1000)).Events.Single(e => e.Event == b1).Sequence;
        var announcement = EventTypes.Erased(erased, At);

        await new SqliteLearnerData(file.Database).EraseAsync(erased, announcement);
        var page = await log.ReadAfterAsync(before, 1000);

        Assert.Equal([b2, announcement], page.Events.Select(e => e.Event));
        Assert.Equal(page.Events[^1].Sequence, page.Next);
        Assert.DoesNotContain(page.Events, e => e.Event.UserId == erased);
    }
}
