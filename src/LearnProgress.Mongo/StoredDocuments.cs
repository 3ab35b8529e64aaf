using System.Text.Json.Nodes;
using LearnProgress.Core.Events;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>How stored documents read back as the record's types; the version of each is kept for the guarded write.</summary>
internal static class StoredDocuments
{
    public static StoredLecture Lecture(BsonDocument lecture) => new(
        new LectureProgress(
            lecture.GetValue(Progress.Position, 0.0).ToDouble(),
            lecture.GetValue(Progress.UpdatedAt, 0L).ToInt64(),
            lecture.GetValue(Progress.Furthest, 0.0).ToDouble(),
            Coverage.Parse(lecture.GetValue(Progress.Coverage, BsonNull.Value) is BsonString text ? text.Value : null),
            lecture.GetValue(Progress.Completed, false).ToBoolean()),
        lecture.GetValue(Progress.CompletedOn, BsonNull.Value) is BsonString day ? ParseDay(day.Value) : null);

    /// <summary>The lectures of one progress document, by lecture id.</summary>
    public static Dictionary<string, StoredLecture> Lectures(BsonDocument? progress)
    {
        var result = new Dictionary<string, StoredLecture>(StringComparer.Ordinal);
        if (progress?.GetValue(Progress.Lectures, BsonNull.Value) is not BsonDocument lectures) return result;
        foreach (var element in lectures)
            result[element.Name] = Lecture(element.Value.AsBsonDocument);
        return result;
    }

    public static StoredDay Day(BsonDocument day) => new(
        ParseDay(day[Activity.Date].AsString),
        Coverage.Parse(day.GetValue(Activity.Played, BsonNull.Value) is BsonString played ? played.Value : null),
        day.GetValue(Activity.Seconds, 0.0).ToDouble(),
        day.GetValue(Activity.Marks, 0).ToInt32(),
        day.GetValue(Activity.Completions, new BsonArray()).AsBsonArray.Count,
        day.GetValue(Activity.MarkKeys, new BsonArray()).AsBsonArray.Select(k => k.AsString).ToHashSet(StringComparer.Ordinal));

    public static string? TimeZone(BsonDocument? learner) =>
        learner?.GetValue(Learners.TimeZone, BsonNull.Value) is BsonString zone ? zone.Value : null;

    public static StoredLearner Learner(BsonDocument? learner) => new(
        LearnerClock.TryFindZone(TimeZone(learner), out var zone) ? zone : TimeZoneInfo.Utc,
        Runs(learner))
    {
        WeekStart = WeekStart(learner) ?? Core.Analytics.WeekDays.Default,
        Goals = Goals(learner),
        BoardName = BoardName(learner),
    };

    public static string? BoardName(BsonDocument? learner) =>
        learner?.GetValue(Learners.BoardName, BsonNull.Value) is BsonString name ? name.Value : null;

    public static DayOfWeek? WeekStart(BsonDocument? learner) =>
        learner?.GetValue(Learners.WeekStart, BsonNull.Value) is BsonString day && Enum.TryParse<DayOfWeek>(day.Value, out var parsed) ? parsed : null;

    public static List<Core.Goals.GoalChange> Goals(BsonDocument? learner) =>
        (learner?.GetValue(Learners.Goals, new BsonArray()) ?? new BsonArray()).AsBsonArray
            .Select(g => new Core.Goals.GoalChange(ParseDay(g[Learners.GoalFrom].AsString),
                new Core.Goals.WeeklyGoal(g[Learners.GoalMinutes].ToInt32(), g[Learners.GoalLectures].ToInt32())))
            .OrderBy(g => g.From)
            .ToList();

    public static List<DayRun> Runs(BsonDocument? learner) =>
        (learner?.GetValue(Learners.Runs, new BsonArray()) ?? new BsonArray()).AsBsonArray
            .Select(r => new DayRun(ParseDay(r[Learners.RunStart].AsString), ParseDay(r[Learners.RunEnd].AsString)))
            .ToList();

    private static readonly JsonWriterSettings RelaxedJson = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    /// <summary>An event as written; its data back as compact JSON, as it was decided (strings, numbers, objects only).</summary>
    public static LearningEvent Event(BsonDocument e) => new(
        Guid.Parse(e[Id].AsString),
        e[Events.Type].AsString,
        new DateTimeOffset(e[Events.Timestamp].ToUniversalTime()),
        e[Events.UserId].AsString,
        JsonNode.Parse(e[Events.Data].AsBsonDocument.ToJson(RelaxedJson))!.ToJsonString());

    /// <summary>Null for a document not written yet (or written before versions existed).</summary>
    public static long? Version(BsonDocument? document, string field) =>
        document?.GetValue(field, BsonNull.Value) is { IsBsonNull: false } version ? version.ToInt64() : null;
}
