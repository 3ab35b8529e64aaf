using Dapper;
using LearnProgress.Core;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Goals;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using Microsoft.Data.Sqlite;

namespace LearnProgress.Sqlite;

/// <summary>
/// The embedded learning record: one SQLite file in WAL mode. A change is loaded, planned and saved in one
/// transaction. Changes that arrive while a transaction is in flight (the flush writes a few buckets at a time) go
/// together in the next one: one commit, and with <c>synchronous=FULL</c> one sync of the log, for several buckets.
/// </summary>
public sealed class SqliteProgressStore : IProgressStore
{
    /// <summary>The most changes one transaction carries.</summary>
    private const int MaxChangesPerTransaction = 16;

    private readonly SqliteDatabase _database;
    private readonly GroupCommit<Pending> _transactions;

    public SqliteProgressStore(SqliteDatabase database)
    {
        _database = database;
        // A change the store refuses (a constraint, a bug) rolls its group back: each change is then tried on its own,
        // so it fails alone. A store that cannot take a write now fails the whole group.
        _transactions = new GroupCommit<Pending>(ApplyGroupAsync, error => error is not StoreUnavailableException, MaxChangesPerTransaction);
    }

    private sealed class Pending(RecordChange change, Func<StoredState, RecordPlan> plan)
    {
        public RecordChange Change { get; } = change;
        public Func<StoredState, RecordPlan> Plan { get; } = plan;
        public RecordPlan? Decided { get; set; }
    }

    public async Task<RecordPlan> ApplyAsync(RecordChange change, Func<StoredState, RecordPlan> plan, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(change, plan);
        await _transactions.SendAsync(0, pending);
        return pending.Decided!;
    }

    private async Task ApplyGroupAsync(IReadOnlyList<Pending> group)
    {
        try
        {
            using var writing = await _database.WriteLockAsync(CancellationToken.None);
            await using var connection = _database.Open();
            await using var transaction = connection.BeginTransaction(deferred: false);
            using var statements = new Statements(connection, transaction);
            var decided = new RecordPlan[group.Count];
            for (var i = 0; i < group.Count; i++)
            {
                decided[i] = group[i].Plan(Load(statements, group[i].Change));
                Save(statements, decided[i]);
            }
            await transaction.CommitAsync();
            for (var i = 0; i < group.Count; i++) group[i].Decided = decided[i];
        }
        catch (SqliteException ex) when (SqliteDatabase.IsUnavailable(ex))
        {
            throw new StoreUnavailableException($"The SQLite store cannot take the write now: {ex.Message}", ex);
        }
    }

    private static StoredState Load(Statements sql, RecordChange change)
    {
        var lectures = new Dictionary<CourseKey, IReadOnlyDictionary<string, StoredLecture>>();
        var durations = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var key in change.Courses)
        {
            var stored = new Dictionary<string, StoredLecture>(StringComparer.Ordinal);
            using (var reader = sql.Run(Schema.ReadLectures, ("user", key.UserId), ("course", key.CourseId)).ExecuteReader())
                while (reader.Read()) stored[reader.GetString(0)] = ReadLecture(reader, 1);
            lectures[key] = stored;
            if (durations.ContainsKey(key.CourseId)) continue;
            var lengths = new Dictionary<string, double>(StringComparer.Ordinal);
            using (var reader = sql.Run(Schema.Durations, ("course", key.CourseId)).ExecuteReader())
                while (reader.Read()) lengths[reader.GetString(0)] = reader.GetDouble(1);
            durations[key.CourseId] = lengths;
        }
        var days = new Dictionary<DayKey, StoredDay>();
        foreach (var key in change.Days)
        {
            using var reader = sql.Run(Schema.ReadDay, ("user", key.UserId), ("day", key.Day.DayNumber)).ExecuteReader();
            if (reader.Read()) days[key] = new StoredDay(key.Day, Coverage.Parse(reader.GetString(2)), reader.GetDouble(0), reader.GetInt32(1));
        }
        foreach (var key in change.Marks.Where(m => m.RequestKey is not null).Select(m => m.Day).Distinct())
        {
            if (!days.TryGetValue(key, out var day)) continue;
            var counted = new HashSet<string>(StringComparer.Ordinal);
            using (var reader = sql.Run(Schema.ReadMarkKeys, ("user", key.UserId), ("day", key.Day.DayNumber)).ExecuteReader())
                while (reader.Read()) counted.Add(reader.GetString(0));
            days[key] = day with { MarkKeys = counted };
        }
        var learners = new Dictionary<string, StoredLearner>(StringComparer.Ordinal);
        foreach (var user in change.Users)
        {
            string? zone = null;
            string? boardName = null;
            var weekStart = WeekDays.Default;
            using (var reader = sql.Run(Schema.ReadLearner, ("user", user)).ExecuteReader())
                if (reader.Read())
                {
                    zone = reader.IsDBNull(0) ? null : reader.GetString(0);
                    if (!reader.IsDBNull(1)) weekStart = (DayOfWeek)reader.GetInt32(1);
                    boardName = reader.IsDBNull(2) ? null : reader.GetString(2);
                }
            var runs = new List<DayRun>();
            using (var reader = sql.Run(Schema.ReadRuns, ("user", user)).ExecuteReader())
                while (reader.Read()) runs.Add(new DayRun(DateOnly.FromDayNumber(reader.GetInt32(0)), DateOnly.FromDayNumber(reader.GetInt32(1))));
            var goals = new List<GoalChange>();
            using (var reader = sql.Run(Schema.ReadGoals, ("user", user)).ExecuteReader())
                while (reader.Read()) goals.Add(SqliteLearnerSettings.ReadGoal(reader));
            var learner = new StoredLearner(LearnerClock.TryFindZone(zone, out var found) ? found : TimeZoneInfo.Utc, runs)
            {
                WeekStart = weekStart,
                Goals = goals,
                BoardName = boardName,
            };
            // Only a learner with goals or on the boards costs the extra read of the weeks the change touches.
            if (learner.NeedsWeeks && WeeklyGoals.Window(change, user, weekStart) is { } window)
            {
                var weekDays = new List<StoredDay>();
                using (var reader = sql.Run(Schema.ReadDays, ("user", user), ("from", window.First.DayNumber), ("to", window.Last.DayNumber)).ExecuteReader())
                    while (reader.Read())
                        weekDays.Add(new StoredDay(DateOnly.FromDayNumber(reader.GetInt32(0)), Coverage.Empty, reader.GetDouble(2), reader.GetInt32(3), reader.GetInt32(4)));
                learner = learner with { GoalWindow = window, GoalDays = weekDays };
            }
            learners[user] = learner;
        }
        return new StoredState(lectures, days, learners, durations);
    }

    private static void Save(Statements sql, RecordPlan plan)
    {
        foreach (var lecture in plan.ChangedLectures)
        {
            var p = lecture.After.Progress;
            sql.Run(Schema.UpsertLecture, ("user", lecture.Course.UserId), ("course", lecture.Course.CourseId), ("lecture", lecture.LectureId),
                ("position", p.Position), ("updatedAt", p.UpdatedAt), ("furthest", p.Furthest), ("coverage", p.Coverage.Format()),
                ("completed", p.Completed ? 1 : 0), ("completedOn", lecture.After.CompletedOn?.DayNumber)).ExecuteNonQuery();
        }
        foreach (var day in plan.Days)
            sql.Run(Schema.UpsertDay, ("user", day.Key.UserId), ("day", day.Key.Day.DayNumber), ("seconds", day.Seconds),
                ("marks", (day.Before?.Marks ?? 0) + day.AddMarks), ("played", day.Played.Format())).ExecuteNonQuery();
        foreach (var day in plan.Days)
            foreach (var key in day.NewMarkKeys)
                sql.Run(Schema.InsertMarkKey, ("user", day.Key.UserId), ("day", day.Key.Day.DayNumber), ("key", key)).ExecuteNonQuery();
        foreach (var runs in plan.Runs)
        {
            foreach (var run in runs.Removed)
                sql.Run(Schema.DeleteRun, ("user", runs.UserId), ("start", run.Start.DayNumber)).ExecuteNonQuery();
            foreach (var run in runs.Added)
                sql.Run(Schema.InsertRun, ("user", runs.UserId), ("start", run.Start.DayNumber), ("end", run.End.DayNumber)).ExecuteNonQuery();
        }
        // The outbox: events commit with the change that caused them, or not at all.
        foreach (var e in plan.Events)
            sql.Run(Schema.InsertEvent, ("id", e.Id.ToString()), ("type", e.Type), ("user", e.UserId),
                ("timestamp", e.Timestamp.ToUnixTimeMilliseconds()), ("data", e.Data)).ExecuteNonQuery();
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, StoredLecture>>> ReadLecturesAsync(
        string userId, IReadOnlyCollection<string> courseIds, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, StoredLecture>>(StringComparer.Ordinal);
        if (courseIds.Count == 0) return result;
        await using var connection = _database.Open();
        await using var reader = await connection.ExecuteReaderAsync(Schema.ReadLecturesOfCourses, new { user = userId, courses = courseIds });
        while (await reader.ReadAsync(cancellationToken))
        {
            var course = reader.GetString(0);
            if (!result.TryGetValue(course, out var lectures)) result[course] = lectures = new Dictionary<string, StoredLecture>(StringComparer.Ordinal);
            ((Dictionary<string, StoredLecture>)lectures)[reader.GetString(1)] = ReadLecture(reader, 2);
        }
        return result;
    }

    public async Task<IReadOnlyList<StoredDay>> ReadDaysAsync(string userId, DateOnly first, DateOnly last, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.Open();
        var rows = await connection.QueryAsync<(long Day, string Played, double Seconds, long Marks, long Completions)>(
            Schema.ReadDays, new { user = userId, from = first.DayNumber, to = last.DayNumber });
        return rows.Select(r => new StoredDay(DateOnly.FromDayNumber((int)r.Day), Coverage.Parse(r.Played), r.Seconds, (int)r.Marks, (int)r.Completions)).ToList();
    }

    public async Task<LearnerSummary> ReadSummaryAsync(string userId, DateOnly runsEndingFrom, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.Open();
        await using var results = await connection.QueryMultipleAsync(Schema.ReadSummary, new { user = userId, from = runsEndingFrom.DayNumber });
        var totals = await results.ReadSingleAsync<(long TotalCompleted, double TotalWatchSeconds, long LongestStreak)>();
        var runs = (await results.ReadAsync<(long Start, long End)>())
            .Select(r => new DayRun(DateOnly.FromDayNumber((int)r.Start), DateOnly.FromDayNumber((int)r.End))).ToList();
        return new LearnerSummary((int)totals.TotalCompleted, totals.TotalWatchSeconds, (int)totals.LongestStreak, runs);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadCompletedLecturesAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.Open();
        var rows = await connection.QueryAsync<(string CourseId, string LectureId, long Completed)>(Schema.ReadCompletedLectures, new { user = userId });
        return rows.GroupBy(r => r.CourseId, StringComparer.Ordinal).ToDictionary(
            g => g.Key, g => (IReadOnlyList<string>)g.Where(r => r.Completed != 0).Select(r => r.LectureId).ToList(), StringComparer.Ordinal);
    }

    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = _database.Open();
        await connection.ExecuteScalarAsync<long>("SELECT 1");
    }

    private static StoredLecture ReadLecture(System.Data.Common.DbDataReader reader, int at) => new(
        new LectureProgress(reader.GetDouble(at), reader.GetInt64(at + 1), reader.GetDouble(at + 2), Coverage.Parse(reader.GetString(at + 3)),
            reader.GetInt64(at + 4) != 0),
        reader.IsDBNull(at + 5) ? null : DateOnly.FromDayNumber(reader.GetInt32(at + 5)));

    /// <summary>The statements a change runs per key, prepared once per transaction: a flush runs them thousands of times.</summary>
    private sealed class Statements(SqliteConnection connection, SqliteTransaction transaction) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

        public SqliteCommand Run(string sql, params (string Name, object? Value)[] parameters)
        {
            if (!_prepared.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                foreach (var (name, _) in parameters) command.Parameters.Add(new SqliteParameter("@" + name, null));
                command.Prepare();
                _prepared[sql] = command;
            }
            for (var i = 0; i < parameters.Length; i++) command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _prepared.Values) command.Dispose();
        }
    }
}
