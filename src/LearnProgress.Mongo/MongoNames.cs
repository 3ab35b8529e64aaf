using MongoDB.Bson;
using MongoDB.Driver;

namespace LearnProgress.Mongo;

/// <summary>Every collection and field name of the MongoDB store, in one place.</summary>
public static class MongoNames
{
    /// <summary>One document per (userId, courseId): per-lecture state and the set of completed lectures.</summary>
    public static class Progress
    {
        public const string Collection = "progress";
        public const string UserId = "userId";
        public const string CourseId = "courseId";
        public const string Lectures = "lectures";
        public const string CompletedLectures = "completedLectures";
        /// <summary>Raised by every write of the document; a write guarded on the value read collides with a concurrent one.</summary>
        public const string Version = "version";

        public const string Position = "position";
        public const string UpdatedAt = "updatedAt";
        public const string Furthest = "furthest";
        public const string Coverage = "coverage";
        public const string Completed = "completed";
        public const string CompletedOn = "completedOn";

        /// <summary>Dotted path of one lecture's field; ids are restricted to [A-Za-z0-9_-], so they cannot forge a path.</summary>
        public static string Lecture(string lectureId, string field) => $"{Lectures}.{lectureId}.{field}";
    }

    /// <summary>One document per (userId, date): playing spans and their seconds, marks and the completions that day.</summary>
    public static class Activity
    {
        public const string Collection = "activity";
        public const string UserId = "userId";
        public const string Date = "date";
        public const string Played = "played";
        public const string Seconds = "seconds";
        public const string Version = "version";
        public const string Marks = "marks";
        /// <summary>Request keys of the marks counted that day, so a retried mark counts once.</summary>
        public const string MarkKeys = "markKeys";
        public const string Completions = "completions";

        /// <summary>Member of <see cref="Completions"/>; ids cannot contain '/'.</summary>
        public static string Completion(string courseId, string lectureId) => $"{courseId}/{lectureId}";
    }

    /// <summary>One document per learner (_id = userId): time zone and the precomputed streak fields.</summary>
    public static class Learners
    {
        public const string Collection = "learners";
        public const string TimeZone = "timeZone";
        /// <summary>The first day of the learner's weeks, as its English name (Monday).</summary>
        public const string WeekStart = "weekStart";
        /// <summary>Weekly goals as set over time: <c>[{from: "yyyy-MM-dd", minutes, lectures}]</c>, one per day at most.</summary>
        public const string Goals = "goals";
        /// <summary>The name shown on the weekly boards; absent while the learner is not on them.</summary>
        public const string BoardName = "boardName";
        public const string GoalFrom = "from";
        public const string GoalMinutes = "minutes";
        public const string GoalLectures = "lectures";
        public const string LongestStreak = "longestStreak";
        public const string Runs = "runs";
        public const string RunStart = "start";
        public const string RunEnd = "end";
        public const string Version = "version";
    }

    /// <summary>One document per course (_id = courseId) with its lectures and the totalLectures counter.</summary>
    public static class Courses
    {
        public const string Collection = "courses";
        public const string Title = "title";
        public const string TotalLectures = "totalLectures";
        public const string Lectures = "lectures";
        public const string LectureId = "id";
        public const string LectureTitle = "title";
        public const string DurationSeconds = "durationSeconds";
    }

    /// <summary>One document per event (_id = the event's deterministic id), written before the change that causes it.</summary>
    public static class Events
    {
        public const string Collection = "events";
        public const string Type = "type";
        public const string UserId = "userId";
        public const string Timestamp = "timestamp";
        public const string Data = "data";
        /// <summary>The event's place in the feed, taken from the <see cref="Counters.Events"/> counter.</summary>
        public const string Sequence = "seq";
        /// <summary>When <see cref="Sequence"/> was taken, by the server's clock (see <c>SettledSequence</c>).</summary>
        public const string SequencedAt = "seqAt";
        /// <summary>
        /// True on the place an erased event leaves in the feed: a document of <see cref="Sequence"/> and
        /// <see cref="SequencedAt"/> only (see <c>ErasedPlaces</c>).
        /// </summary>
        public const string Erased = "erased";
    }

    /// <summary>Small documents of shared state, by _id.</summary>
    public static class Counters
    {
        public const string Collection = "counters";
        /// <summary>The last event sequence number taken (<see cref="Value"/>) and when (<see cref="At"/>).</summary>
        public const string Events = "events";
        /// <summary>The sequence of the last event turned into webhook deliveries (<see cref="Value"/>).</summary>
        public const string WebhookFanOut = "webhookFanOut";
        public const string Value = "value";
        public const string At = "at";
    }

    /// <summary>One document per webhook endpoint (_id = its id).</summary>
    public static class WebhookEndpoints
    {
        public const string Collection = "webhookEndpoints";
        public const string Url = "url";
        public const string EventTypes = "eventTypes";
        public const string Secret = "secret";
        public const string PreviousSecret = "previousSecret";
        public const string PreviousSecretExpiresAt = "previousSecretExpiresAt";
        public const string Enabled = "enabled";
        public const string DisabledReason = "disabledReason";
        public const string CreatedAt = "createdAt";
        public const string FailingSince = "failingSince";
    }

    /// <summary>One document per (endpoint, event) delivery (_id = its deterministic id).</summary>
    public static class WebhookDeliveries
    {
        public const string Collection = "webhookDeliveries";
        public const string EndpointId = "endpointId";
        public const string EventId = "eventId";
        /// <summary>The <c>DeliveryStatus</c> as its number: 0 pending, 1 delivered, 2 failed.</summary>
        public const string Status = "status";
        public const string Attempts = "attempts";
        public const string NextAttemptAt = "nextAttemptAt";
        /// <summary>Until when one sender holds the delivery; the epoch when nobody does.</summary>
        public const string LeasedUntil = "leasedUntil";
        /// <summary>The number of the latest claim, counted up by each: the fencing token its holder shows to renew and record.</summary>
        public const string Lease = "lease";
        public const string CreatedAt = "createdAt";
    }

    /// <summary>One document per attempt at a delivery: the endpoint's log.</summary>
    public static class WebhookAttempts
    {
        public const string Collection = "webhookAttempts";
        public const string DeliveryId = "deliveryId";
        public const string EndpointId = "endpointId";
        public const string EventId = "eventId";
        public const string Attempt = "attempt";
        public const string At = "at";
        public const string StatusCode = "statusCode";
        public const string Error = "error";
        public const string DurationMs = "durationMs";
    }

    /// <summary>One document per earned achievement, unique by (userId, achievementId).</summary>
    public static class Achievements
    {
        public const string Collection = "achievements";
        public const string UserId = "userId";
        public const string AchievementId = "achievementId";
        public const string Day = "day";
    }

    /// <summary>One document per skill (_id = skillId).</summary>
    public static class Skills
    {
        public const string Collection = "skills";
        public const string Name = "name";
        public const string Description = "description";
    }

    /// <summary>One document per quiz (_id = "courseId/quizId"; ids cannot contain '/'), with its items.</summary>
    public static class Quizzes
    {
        public const string Collection = "quizzes";
        public const string CourseId = "courseId";
        public const string QuizId = "quizId";

        public static string Key(string courseId, string quizId) => $"{courseId}/{quizId}";
    }

    /// <summary>
    /// One document per attempt, _id = {userId, attemptId} (unique: a retried attempt collides instead of counting
    /// twice), with the scored items and the answer given.
    /// </summary>
    public static class Attempts
    {
        public const string Collection = "attempts";
        public const string UserId = "userId";
        public const string AttemptId = "attemptId";
        public const string CourseId = "courseId";
        public const string SubmittedAt = "submittedAt";

        public static BsonDocument Key(string userId, string attemptId) => new() { { UserId, userId }, { AttemptId, attemptId } };
    }

    /// <summary>One document per certification (_id = certificationId), with its requirements.</summary>
    public static class Certifications
    {
        public const string Collection = "certifications";
    }

    /// <summary>
    /// One document per issued credential (_id = credentialId). <see cref="Current"/> is true on the one a learner is
    /// answered again for a certification; a unique partial index keeps it to one per (userId, certificationId).
    /// </summary>
    public static class Credentials
    {
        public const string Collection = "credentials";
        public const string UserId = "userId";
        public const string CertificationId = "certificationId";
        public const string StatusIndex = "statusIndex";
        public const string IssuedAt = "issuedAt";
        public const string ValidUntil = "validUntil";
        public const string Jwt = "jwt";
        public const string Current = "current";
        /// <summary>Events written with the credential and not yet in the events collection (an outbox inside the document).</summary>
        public const string PendingEvents = "pendingEvents";
    }

    /// <summary>One document per status entry (_id = global status index): the revoked bit and nothing personal.</summary>
    public static class CredentialStatus
    {
        public const string Collection = "credentialStatus";
        public const string Revoked = "revoked";
        /// <summary>The <see cref="Counters"/> document whose value is the number of status indexes handed out.</summary>
        public const string Counter = "credentialStatus";
    }

    public const string Id = "_id";

    /// <summary>
    /// Every write waits for a majority, but never longer than this: a replica set that lost its majority fails the
    /// write (the flush keeps its claim, a request answers 503) instead of hanging it.
    /// </summary>
    public static readonly WriteConcern Majority = WriteConcern.WMajority.With(wTimeout: TimeSpan.FromSeconds(10));

    /// <summary>A document readiness writes, to learn that the store accepts writes, not only that it answers.</summary>
    public static class Health
    {
        public const string Collection = "health";
        public const string At = "at";
    }

    /// <summary>Days are stored as ISO dates, so string order is calendar order.</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static DateOnly ParseDay(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
