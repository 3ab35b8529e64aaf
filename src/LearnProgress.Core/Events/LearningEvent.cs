using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LearnProgress.Core.Events;

/// <summary>
/// Something that happened in a learner's record, in the Standard Webhooks shape <c>{id, type, timestamp, data}</c>.
/// <see cref="Data"/> is the JSON object as it was decided, so the feed and every delivery send the same bytes.
/// </summary>
public sealed record LearningEvent(Guid Id, string Type, DateTimeOffset Timestamp, string UserId, string Data)
{
    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// An event whose id is derived from its type, learner and subject: the same fact decided twice (a replayed flush,
    /// a retried request, a store planning again after a conflict) gets the same id, and stores keep the first.
    /// </summary>
    public static LearningEvent Create<TData>(string type, string userId, string subject, DateTimeOffset timestamp, TData data) =>
        new(EventIds.For(type, userId, subject), type, timestamp.ToUniversalTime(), userId, JsonSerializer.Serialize(data, DataJson));

    public string FormattedTimestamp => Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The body sent to webhooks and listed by the feed.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("id", Id.ToString());
            json.WriteString("type", Type);
            json.WriteString("timestamp", FormattedTimestamp);
            json.WritePropertyName("data");
            json.WriteRawValue(Data);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

/// <summary>
/// Every event type. A new type is a constant here, a data record and the rule that decides it; stores, the feed
/// and webhooks carry any type unchanged.
/// </summary>
public static class EventTypes
{
    public const string LectureCompleted = "lecture.completed";
    public const string CourseCompleted = "course.completed";
    public const string StreakMilestone = "streak.milestone";
    public const string AchievementAwarded = "achievement.awarded";
    public const string LearnerErased = "learner.erased";
    public const string AttemptSubmitted = "attempt.submitted";
    public const string QuizPassed = "quiz.passed";
    public const string SkillMastered = "skill.mastered";
    public const string GoalMet = "goal.met";
    public const string ReportWeekly = "report.weekly";
    public const string CredentialIssued = "credential.issued";

    /// <summary>The types a webhook endpoint may subscribe to; extended when a type is added.</summary>
    public static readonly IReadOnlyList<string> All =
        [LectureCompleted, CourseCompleted, StreakMilestone, AchievementAwarded, LearnerErased, AttemptSubmitted, QuizPassed, SkillMastered, GoalMet, ReportWeekly, CredentialIssued];

    /// <summary>
    /// <c>learner.erased</c>: the learner's id only, so downstream systems erase their copies. The event is kept apart
    /// from the learner's record (it names no owner), so the erase it announces leaves nothing else of the learner.
    /// Each erase request announces itself once.
    /// </summary>
    public static LearningEvent Erased(string userId, DateTimeOffset erasedAt) =>
        LearningEvent.Create(LearnerErased, userId, erasedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), erasedAt,
            new { learnerId = userId }) with { UserId = "" };
}

/// <summary>Name-based (version 5) UUIDs, RFC 9562, in this service's own namespace.</summary>
public static class EventIds
{
    private static readonly Guid Namespace = new("5b0f6f2e-4d8c-4c63-9a57-1d3c2a8e7f10");

    public static Guid For(string type, string userId, string subject) => NameBased(Namespace, $"{type}\n{userId}\n{subject}");

    public static Guid NameBased(Guid ns, string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 prescribes for version 5 names; it is not used for security here.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}

public sealed record LectureCompletedData(string UserId, string CourseId, string LectureId, DateOnly Day);

public sealed record CourseCompletedData(string UserId, string CourseId, DateOnly Day, int Lectures);

public sealed record StreakMilestoneData(string UserId, int Length, DateOnly Start, DateOnly Day);

public sealed record AchievementAwardedData(string UserId, string AchievementId, string Title, DateOnly Day);

public sealed record AttemptSubmittedData(
    string UserId, string AttemptId, string CourseId, string QuizId, double Score, double MaxScore, double Percent, bool Passed, long SubmittedAt);

public sealed record QuizPassedData(string UserId, string CourseId, string QuizId, string AttemptId, double Percent);

public sealed record SkillMasteredData(string UserId, string SkillId, double Mastery, string AttemptId);
