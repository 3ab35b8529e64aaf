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
        while (await log.ReadAfterAsync(after, 3) is { Count: > 0 } page)
        {
            all.AddRange(page);
            after = page[^1].Sequence;
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
}
