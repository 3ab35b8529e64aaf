using System.Data;
using Dapper;
using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using Microsoft.Data.Sqlite;

namespace LearnProgress.Sqlite;

/// <summary>The embedded system of record: one SQLite file in WAL mode.</summary>
public sealed class SqliteProgressStore : IProgressStore
{
    private readonly string _connectionString;
    private readonly CompletionRule _completion;

    // SQLite takes one writer at a time. Writers queue here rather than in SQLite's busy handler, which retries by
    // sleeping, so parallel flushes of several buckets wait their turn instead of idling in retries.
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public SqliteProgressStore(string databasePath, CompletionRule completion)
    {
        _completion = completion;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = Open();
        connection.Execute(Schema.Create);
    }

    public async Task<IReadOnlyList<LectureCompleted>> UpsertProgressAsync(FlushBatch batch, CancellationToken cancellationToken = default)
    {
        using var writing = await WriteLockAsync(cancellationToken);
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        using var record = new RecordWriter(connection, transaction);
        var completions = new List<LectureCompleted>();
        var durations = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var snapshot in batch.Progress)
        {
            var user = snapshot.UserId;
            var course = snapshot.CourseId;
            if (!durations.TryGetValue(course, out var lectureDurations))
                durations[course] = lectureDurations = (await connection.QueryAsync<(string Id, double Duration)>(
                    Schema.Durations, new { course }, transaction)).ToDictionary(l => l.Id, l => l.Duration, StringComparer.Ordinal);
            var stored = record.ReadLectures(user, course);
            record.TouchCourse(user, course);
            foreach (var (lecture, incoming) in snapshot.Lectures)
            {
                var merged = stored.TryGetValue(lecture, out var existing) ? existing.Merge(incoming) : incoming;
                // Completion by coverage is recorded once, when the merged footage first reaches the threshold.
                if (!merged.Completed && lectureDurations.TryGetValue(lecture, out var duration) && _completion.IsComplete(merged, duration))
                {
                    merged = merged with { Completed = true };
                    var day = LearnerClock.DayOf(merged.UpdatedAt, await record.ZoneOfAsync(user));
                    await record.CountCompletionAsync(user, course, day);
                    completions.Add(new LectureCompleted(user, course, lecture, day));
                }
                if (merged != existing) record.WriteLecture(user, course, lecture, merged);
            }
        }
        foreach (var activity in batch.Activity)
            foreach (var (day, seconds) in activity.Seconds)
                await record.ChangeDayAsync(activity.UserId, day,
                    d => d with { Seconds = Math.Min(DayActivity.MaxSeconds, ProgressMerge.CombineSeconds(d.Seconds, seconds)) });
        await transaction.CommitAsync(cancellationToken);
        return completions;
    }

    public async Task<IReadOnlyDictionary<string, LectureProgress>> ReadProgressAsync(string userId, string courseId, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        using var record = new RecordWriter(connection, null);
        return record.ReadLectures(userId, courseId);
    }

    public async Task<LectureCompleted?> CompleteLectureAsync(string userId, string courseId, string lectureId, DateOnly day, CancellationToken cancellationToken = default)
    {
        using var writing = await WriteLockAsync(cancellationToken);
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        using var record = new RecordWriter(connection, transaction);
        var existing = record.ReadLectures(userId, courseId).GetValueOrDefault(lectureId);
        if (existing?.Completed == true) return null;
        record.TouchCourse(userId, courseId);
        record.WriteLecture(userId, courseId, lectureId, (existing ?? new LectureProgress(0, 0, 0)) with { Completed = true });
        await record.CountCompletionAsync(userId, courseId, day);
        await transaction.CommitAsync(cancellationToken);
        return new LectureCompleted(userId, courseId, lectureId, day);
    }

    public async Task MarkDayAsync(string userId, DateOnly day, CancellationToken cancellationToken = default)
    {
        using var writing = await WriteLockAsync(cancellationToken);
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        using var record = new RecordWriter(connection, transaction);
        await record.ChangeDayAsync(userId, day, d => d with { Count = d.Count + 1 });
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DayActivity>> ReadActivityAsync(string userId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        var rows = await connection.QueryAsync<(long Day, double Seconds, long Count)>(
            Schema.ReadDays, new { user = userId, from = from.DayNumber, to = to.DayNumber });
        return rows.Select(r => new DayActivity(DateOnly.FromDayNumber((int)r.Day), r.Seconds, (int)r.Count)).ToList();
    }

    public async Task<LearnerRecord> ReadLearnerAsync(string userId, DateOnly runsEndingFrom, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var results = await connection.QueryMultipleAsync(Schema.ReadLearner, new { user = userId, from = runsEndingFrom.DayNumber });
        var learner = await results.ReadSingleOrDefaultAsync<(string? TimeZone, long LongestStreak, long TotalCompleted, double TotalWatchSeconds)?>();
        var runs = (await results.ReadAsync<(long Start, long End)>()).Select(ToRun).ToList();
        return learner is { } l
            ? new LearnerRecord(l.TimeZone, (int)l.LongestStreak, (int)l.TotalCompleted, l.TotalWatchSeconds, runs)
            : LearnerRecord.New;
    }

    public async Task<IReadOnlyList<CourseCompletion>> ReadCourseCompletionsAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        var rows = await connection.QueryAsync<(string CourseId, long Completed, long TotalLectures)>(Schema.ReadCourseCompletions, new { user = userId });
        return rows.Select(r => new CourseCompletion(r.CourseId, (int)r.Completed, (int)r.TotalLectures)).ToList();
    }

    public async Task<string?> GetTimeZoneAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        return await connection.ExecuteScalarAsync<string?>(Schema.ReadTimeZone, new { user = userId });
    }

    public async Task SetTimeZoneAsync(string userId, string timeZone, CancellationToken cancellationToken = default)
    {
        using var writing = await WriteLockAsync(cancellationToken);
        await using var connection = Open();
        await connection.ExecuteAsync(Schema.SetTimeZone, new { user = userId, zone = timeZone });
    }

    public async Task<Course?> GetCourseAsync(string courseId, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var results = await connection.QueryMultipleAsync(Schema.ReadCourse, new { course = courseId });
        var course = await results.ReadSingleOrDefaultAsync<(string Title, long TotalLectures)?>();
        if (course is not { } c) return null;
        var lectures = (await results.ReadAsync<(string Id, string Title, double DurationSeconds)>())
            .Select(l => new Lecture(l.Id, l.Title, l.DurationSeconds)).ToList();
        return new Course(courseId, c.Title, (int)c.TotalLectures, lectures);
    }

    public async Task<bool> CreateCourseAsync(string courseId, string title, CancellationToken cancellationToken = default)
    {
        using var writing = await WriteLockAsync(cancellationToken);
        await using var connection = Open();
        return await connection.ExecuteAsync(Schema.InsertCourse, new { course = courseId, title }) == 1;
    }

    public async Task<LectureWrite> PutLectureAsync(string courseId, Lecture lecture, CancellationToken cancellationToken = default)
    {
        using var writing = await WriteLockAsync(cancellationToken);
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var ids = new { course = courseId, lecture = lecture.Id };
        if (await connection.ExecuteScalarAsync<long?>(Schema.CourseExists, ids, transaction) is null)
            return LectureWrite.CourseNotFound;
        var created = await connection.ExecuteScalarAsync<long?>(Schema.LectureExists, ids, transaction) is null;
        await connection.ExecuteAsync(Schema.PutLecture, new { course = courseId, lecture = lecture.Id, title = lecture.Title, duration = lecture.DurationSeconds }, transaction);
        if (created) await connection.ExecuteAsync(Schema.ShiftLecture(+1), ids, transaction);
        await transaction.CommitAsync(cancellationToken);
        return created ? LectureWrite.Created : LectureWrite.Updated;
    }

    public async Task<bool> DeleteLectureAsync(string courseId, string lectureId, CancellationToken cancellationToken = default)
    {
        using var writing = await WriteLockAsync(cancellationToken);
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var ids = new { course = courseId, lecture = lectureId };
        if (await connection.ExecuteAsync(Schema.DeleteLecture, ids, transaction) == 0) return false;
        await connection.ExecuteAsync(Schema.ShiftLecture(-1), ids, transaction);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await connection.ExecuteScalarAsync<long>("SELECT 1");
    }

    private async Task<IDisposable> WriteLockAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        return new Releaser(_writeLock);
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        connection.Execute(Schema.ConnectionPragmas);
        return connection;
    }

    private static DayRun ToRun((long Start, long End) row) => new(DateOnly.FromDayNumber((int)row.Start), DateOnly.FromDayNumber((int)row.End));

    /// <summary>
    /// Keeps a learner's lectures, day counters, totals, runs and longest streak in step inside one transaction. The
    /// statements a flush runs per key are prepared once per batch: a flush runs them thousands of times.
    /// </summary>
    private sealed class RecordWriter(SqliteConnection connection, SqliteTransaction? transaction) : IDisposable
    {
        private readonly Dictionary<string, TimeZoneInfo> _zones = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

        public Dictionary<string, LectureProgress> ReadLectures(string user, string course)
        {
            using var reader = Command(Schema.ReadLectures, ("user", user), ("course", course)).ExecuteReader();
            var lectures = new Dictionary<string, LectureProgress>(StringComparer.Ordinal);
            while (reader.Read())
                lectures[reader.GetString(0)] = new LectureProgress(reader.GetDouble(1), reader.GetInt64(2), reader.GetDouble(3),
                    Coverage.Parse(reader.GetString(4)), reader.GetInt64(5) != 0);
            return lectures;
        }

        public void WriteLecture(string user, string course, string lecture, LectureProgress p) =>
            Command(Schema.UpsertLecture, ("user", user), ("course", course), ("lecture", lecture), ("position", p.Position),
                ("updatedAt", p.UpdatedAt), ("furthest", p.Furthest), ("coverage", p.Coverage.Format()), ("completed", p.Completed ? 1 : 0))
                .ExecuteNonQuery();

        public void TouchCourse(string user, string course) =>
            Command(Schema.TouchCourse, ("user", user), ("course", course)).ExecuteNonQuery();

        public async Task<TimeZoneInfo> ZoneOfAsync(string user)
        {
            if (_zones.TryGetValue(user, out var zone)) return zone;
            var id = await connection.ExecuteScalarAsync<string?>(Schema.ReadTimeZone, new { user }, transaction);
            return _zones[user] = LearnerClock.TryFindZone(id, out var found) ? found : TimeZoneInfo.Utc;
        }

        public async Task CountCompletionAsync(string user, string course, DateOnly day)
        {
            await connection.ExecuteAsync(Schema.CountCompletion, new { user, course }, transaction);
            await ChangeDayAsync(user, day, d => d with { Count = d.Count + 1 });
            await connection.ExecuteAsync(Schema.AddCompletedToLearner, new { user }, transaction);
        }

        public async Task ChangeDayAsync(string user, DateOnly day, Func<DayActivity, DayActivity> change)
        {
            Command(Schema.TouchLearner, ("user", user)).ExecuteNonQuery();
            var before = new DayActivity(day, 0, 0);
            using (var reader = Command(Schema.ReadDay, ("user", user), ("day", day.DayNumber)).ExecuteReader())
                if (reader.Read()) before = new DayActivity(day, reader.GetDouble(0), reader.GetInt32(1));
            var after = change(before);
            if (after == before) return;
            Command(Schema.UpsertDay, ("user", user), ("day", day.DayNumber), ("seconds", after.Seconds), ("count", after.Count)).ExecuteNonQuery();
            if (after.Seconds != before.Seconds)
                Command(Schema.AddWatchSeconds, ("user", user), ("seconds", after.Seconds - before.Seconds)).ExecuteNonQuery();
            if (after.IsActive && !before.IsActive) await JoinRunsAsync(user, day);
        }

        private async Task JoinRunsAsync(string user, DateOnly day)
        {
            var before = await RunAsync(Schema.RunEndingAt, user, day.AddDays(-1));
            var after = await RunAsync(Schema.RunStartingAt, user, day.AddDays(1));
            var (joined, replaced) = Streaks.Join(day, before, after);
            foreach (var run in replaced)
                await connection.ExecuteAsync(Schema.DeleteRun, new { user, start = run.Start.DayNumber }, transaction);
            await connection.ExecuteAsync(Schema.InsertRun, new { user, start = joined.Start.DayNumber, end = joined.End.DayNumber }, transaction);
            await connection.ExecuteAsync(Schema.RaiseLongest, new { user, length = joined.Length }, transaction);
        }

        private async Task<DayRun?> RunAsync(string sql, string user, DateOnly day)
        {
            var row = await connection.QuerySingleOrDefaultAsync<(long Start, long End)?>(sql, new { user, day = day.DayNumber }, transaction);
            return row is { } r ? ToRun(r) : null;
        }

        private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
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
            for (var i = 0; i < parameters.Length; i++) command.Parameters[i].Value = parameters[i].Value;
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _prepared.Values) command.Dispose();
        }
    }
}
