using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using MongoDB.Bson;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// One lecture as stored. <see cref="Coverage"/> is the stored text itself, not a re-formatted parse, because the flush
/// guards on exactly that value.
/// </summary>
public sealed record StoredLecture(LectureProgress Progress, string? Coverage, string? CompletedOn)
{
    public static StoredLecture Read(BsonDocument lecture)
    {
        var coverage = lecture.GetValue(MongoNames.Progress.Coverage, BsonNull.Value) is BsonString text ? text.Value : null;
        return new StoredLecture(
            new LectureProgress(
                lecture.GetValue(MongoNames.Progress.Position, 0.0).ToDouble(),
                lecture.GetValue(MongoNames.Progress.UpdatedAt, 0L).ToInt64(),
                lecture.GetValue(MongoNames.Progress.Furthest, 0.0).ToDouble(),
                Core.Progress.Coverage.Parse(coverage),
                lecture.GetValue(MongoNames.Progress.Completed, false).ToBoolean()),
            coverage,
            lecture.GetValue(MongoNames.Progress.CompletedOn, BsonNull.Value) is BsonString day ? day.Value : null);
    }

    /// <summary>The lectures of one progress document, by lecture id.</summary>
    public static Dictionary<string, StoredLecture> ReadAll(BsonDocument? progress)
    {
        var result = new Dictionary<string, StoredLecture>(StringComparer.Ordinal);
        if (progress?.GetValue(MongoNames.Progress.Lectures, BsonNull.Value) is not BsonDocument lectures) return result;
        foreach (var element in lectures)
            result[element.Name] = Read(element.Value.AsBsonDocument);
        return result;
    }
}

/// <summary>A learner document as stored; <see cref="Version"/> is null before the first streak write.</summary>
public sealed record StoredLearner(string? TimeZone, int LongestStreak, IReadOnlyList<DayRun> Runs, long? Version)
{
    public static StoredLearner Read(BsonDocument learner) => new(
        learner.GetValue(Learners.TimeZone, BsonNull.Value) is BsonString zone ? zone.Value : null,
        learner.GetValue(Learners.LongestStreak, 0).ToInt32(),
        learner.GetValue(Learners.Runs, new BsonArray()).AsBsonArray
            .Select(r => new DayRun(ParseDay(r[Learners.RunStart].AsString), ParseDay(r[Learners.RunEnd].AsString)))
            .ToList(),
        learner.GetValue(Learners.Version, BsonNull.Value) is { IsBsonNull: false } version ? version.ToInt64() : null);

    public TimeZoneInfo Zone => LearnerClock.TryFindZone(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
}
