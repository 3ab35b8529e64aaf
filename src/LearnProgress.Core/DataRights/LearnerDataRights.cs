using LearnProgress.Core.Analytics;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;

namespace LearnProgress.Core.DataRights;

/// <summary>
/// Hands a learner everything held about them and erases it. The export lays the buffer over the store by
/// <see cref="RecordRules"/>, as every read does; the erase clears the buffer and the store while the learner's bucket
/// is held, so no flush can write back what it read before the erase.
/// </summary>
public sealed class LearnerDataRights(
    IProgressBuffer buffer, ILearnerData store, ILearnerSettings settings, ICourseLookup catalog, CompletionRule rule, TimeProvider time,
    IAssessmentStore assessments, Leaderboards.ILeaderboards boards, ICertificationStore certifications)
{
    public async Task<LearnerExport> ExportAsync(string userId, CancellationToken ct = default)
    {
        var holdingsTask = store.ReadAllAsync(userId, ct);
        var weekStartTask = settings.GetWeekStartAsync(userId, ct);
        var goalsTask = settings.GetGoalsAsync(userId, ct);
        var boardNameTask = settings.GetBoardNameAsync(userId, ct);
        var activityTask = buffer.ReadActivityAsync(userId, ct);
        var attemptsTask = assessments.ReadLearnerAttemptsAsync(userId, ct);
        var credentialsTask = certifications.ReadLearnerCredentialsAsync(userId, ct);
        var buffered = await buffer.ReadCoursesAsync(userId, ct);
        var holdings = await holdingsTask;
        var bufferedDays = await activityTask;
        var zone = LearnerClock.TryFindZone(holdings.TimeZone, out var found) ? found : TimeZoneInfo.Utc;

        var courses = new List<ExportedCourse>();
        var completions = new List<ExportedCompletion>();
        foreach (var courseId in holdings.Lectures.Keys.Union(buffered.Keys).Order(StringComparer.Ordinal))
        {
            var course = await catalog.FindAsync(courseId, ct);
            var stored = holdings.Lectures.GetValueOrDefault(courseId) ?? new Dictionary<string, StoredLecture>();
            var pending = buffered.GetValueOrDefault(courseId) ?? new Dictionary<string, LectureProgress>();
            var lectures = new List<ExportedLecture>();
            foreach (var lectureId in stored.Keys.Union(pending.Keys).Order(StringComparer.Ordinal))
            {
                var saved = stored.GetValueOrDefault(lectureId);
                // Merging a stored lecture with itself changes nothing but re-checks completion, as the progress read does.
                var incoming = pending.GetValueOrDefault(lectureId) ?? saved!.Progress;
                var merged = RecordRules.MergeLecture(saved, incoming, course?.FindLecture(lectureId)?.DurationSeconds, zone, rule);
                var p = merged.Progress;
                lectures.Add(new ExportedLecture(lectureId, p.Position, p.Furthest, p.UpdatedAt, Math.Round(p.Coverage.Seconds, 3),
                    p.Coverage.Intervals, merged.Completed, merged.CompletedOn));
                if (merged.CompletedOn is { } on) completions.Add(new ExportedCompletion(courseId, lectureId, on));
            }
            courses.Add(new ExportedCourse(courseId, lectures));
        }

        var storedDays = holdings.Days.ToDictionary(d => d.Day);
        var completedOn = completions.GroupBy(c => c.Date).ToDictionary(g => g.Key, g => g.Count());
        var days = new List<ExportedDay>();
        var active = new List<DateOnly>();
        foreach (var day in storedDays.Keys.Union(bufferedDays.Keys).Union(completedOn.Keys).Order())
        {
            var saved = storedDays.GetValueOrDefault(day);
            var (played, seconds) = bufferedDays.TryGetValue(day, out var spans)
                ? RecordRules.MergeDay(saved, spans)
                : (saved?.Played ?? Coverage.Empty, saved?.Seconds ?? 0);
            var merged = new DayActivity(day, Math.Round(seconds, 1), saved?.Marks ?? 0, completedOn.GetValueOrDefault(day));
            days.Add(new ExportedDay(day, merged.Seconds, merged.Marks, merged.Completions, played.Intervals));
            if (merged.IsActive) active.Add(day);
        }
        var runs = Streaks.Extend(holdings.Runs, active).OrderBy(r => r.Start).ToList();

        return new LearnerExport(userId, time.GetUtcNow(), new ExportedSettings(zone.HasIanaId ? zone.Id : "UTC", await weekStartTask is { } weekStart ? WeekDays.Name(weekStart) : null), courses, days, runs,
            completions.OrderBy(c => c.Date).ThenBy(c => c.CourseId, StringComparer.Ordinal).ThenBy(c => c.LectureId, StringComparer.Ordinal).ToList())
        {
            Attempts = await attemptsTask,
            DisplayName = await boardNameTask,
            Goals = (await goalsTask).Select(g => new ExportedGoal(g.From, g.Goal.Minutes, g.Goal.Lectures)).ToList(),
            Skills = Assessments.Mastery.PerSkill(await attemptsTask),
            Credentials = (await credentialsTask).Select(c => new ExportedCredential(
                c.CredentialId, c.CertificationId, c.IssuedAt, c.ValidUntil, c.Revoked, c.Jwt)).ToList(),
        };
    }

    /// <summary>
    /// Erases the learner from the buffer and then the store while the learner's bucket is held against flushes: a
    /// flush that read the learner's keys before finishes its write first, and one that starts later finds nothing.
    /// Erasing twice is fine. Caches are the caller's to drop. Issued credentials are revoked first and their records
    /// deleted; their status entries stay, revoked and naming no one, so a copy the learner handed out verifies as revoked.
    /// </summary>
    public async Task<LearnerErased> EraseAsync(string userId, CancellationToken ct = default)
    {
        var erasedAt = time.GetUtcNow();
        await certifications.EraseLearnerAsync(userId, ct);
        await buffer.EraseAsync(userId, c => store.EraseAsync(userId, Events.EventTypes.Erased(userId, erasedAt), c), ct);
        // After the store: with the learner's row gone, no later flush plans a board score for the learner.
        await boards.LeaveAsync(userId, ct);
        return new LearnerErased(userId, erasedAt);
    }
}
