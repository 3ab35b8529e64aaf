using System.IO.Hashing;
using System.Text;
using StackExchange.Redis;

namespace LearnProgress.Redis;

/// <summary>
/// Every key name of the buffer. A learner maps to one bucket by a stable hash; all of that learner's keys and the
/// bucket's sets share the hash tag <c>{bN}</c>, so each script touches one hash slot (legal on Redis Cluster).
/// Ids are validated to [A-Za-z0-9_-], so ':' separates them unambiguously and no id can forge a tag.
/// A dirty-set member is a key's name without the bucket prefix: <c>p:user:course</c> or <c>a:user</c>.
/// </summary>
public sealed class RedisKeys(int buckets)
{
    public const string Prefix = "lp:";

    public int Buckets { get; } = buckets;

    public int BucketOf(string userId) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(userId)) % (uint)Buckets);

    public static string Tag(int bucket) => $"{{b{bucket}}}";

    public RedisKey Dirty(int bucket) => $"{Prefix}{Tag(bucket)}:dirty";

    public RedisKey Claimed(int bucket) => $"{Prefix}{Tag(bucket)}:claimed";

    /// <summary>Server time (epoch ms) of the oldest change in the dirty set; the claimed set's has its own key.</summary>
    public RedisKey Since(int bucket) => $"{Prefix}{Tag(bucket)}:since";

    public RedisKey ClaimedSince(int bucket) => $"{Prefix}{Tag(bucket)}:claimed-since";

    /// <summary>Members of learners the store refused, scored by when to claim them again.</summary>
    public RedisKey Held(int bucket) => $"{Prefix}{Tag(bucket)}:held";

    /// <summary>Failed attempts per held member; the retry delay doubles with each.</summary>
    public RedisKey HeldAttempts(int bucket) => $"{Prefix}{Tag(bucket)}:held-attempts";

    /// <summary>Server time (epoch ms) of the oldest change among the held members.</summary>
    public RedisKey HeldSince(int bucket) => $"{Prefix}{Tag(bucket)}:held-since";

    /// <summary>Held by the one flusher working the bucket.</summary>
    public RedisKey Lease(int bucket) => $"{Prefix}{Tag(bucket)}:lease";

    /// <summary>Written by the readiness check: a write the buffer takes, not only a reply.</summary>
    public RedisKey Probe => $"{Prefix}probe";

    /// <summary>The key a dirty-set member names.</summary>
    public RedisKey Of(int bucket, string member) => $"{Prefix}{Tag(bucket)}:{member}";

    /// <summary>Resume, high-water marks and coverage of one learner in one course.</summary>
    public static string ProgressMember(string userId, string courseId) => $"p:{userId}:{courseId}";

    /// <summary>
    /// Playing spans per day of one learner (field: the day, yyyy-MM-dd); in the same hash, the courses the learner has
    /// pinged lately (field: <see cref="CourseFieldPrefix"/> and the course id, so reads find every buffered course; never
    /// flushed) and the learner's cached time zone (field <see cref="ZoneField"/>). No day is named like either.
    /// </summary>
    public static string ActivityMember(string userId) => $"a:{userId}";

    /// <summary>The field of the day-spans hash that caches the learner's time zone (<see cref="RedisLearnerZones"/>).</summary>
    public const string ZoneField = "z";

    public RedisKey Progress(string userId, string courseId) => Of(BucketOf(userId), ProgressMember(userId, courseId));

    public RedisKey Activity(string userId) => Of(BucketOf(userId), ActivityMember(userId));

    /// <summary>
    /// The set of courses a learner had pinged, as versions before the list moved into <see cref="Activity"/> kept it;
    /// still read and erased until the last of them expires (32 days after its last change).
    /// </summary>
    public RedisKey LegacyCourses(string userId) => $"{Prefix}{Tag(BucketOf(userId))}:c:{userId}";

    /// <summary>A day-spans field that lists a buffered course: this prefix, then the course id.</summary>
    public const string CourseFieldPrefix = "c:";

    /// <summary>The buffered courses named by the fields of a learner's day-spans hash.</summary>
    public static IEnumerable<string> CoursesOf(IEnumerable<RedisValue> fields) =>
        fields.Select(f => (string)f!).Where(f => f.StartsWith(CourseFieldPrefix, StringComparison.Ordinal)).Select(f => f[CourseFieldPrefix.Length..]);

    /// <summary>Whether a day-spans field holds a day (not a course or the zone).</summary>
    public static bool IsDayField(string field) => field != ZoneField && !field.StartsWith(CourseFieldPrefix, StringComparison.Ordinal);

    /// <summary>
    /// One weekly board, a sorted set of learner ids scored by seconds played in the week: <c>lp:lb:2026-11-30:all</c>
    /// (global) or <c>lp:lb:2026-11-30:c:&lt;course&gt;</c>. Every board command names one board, so boards spread over a
    /// cluster's slots freely.
    /// </summary>
    public static RedisKey Board(string week, string? courseId) => courseId is null ? $"{Prefix}lb:{week}:all" : $"{Prefix}lb:{week}:c:{courseId}";

    /// <summary>The prefix of every board of one week.</summary>
    public static string BoardWeek(string week) => $"{Prefix}lb:{week}:";

    /// <summary>Display names of the learners on the boards (field: learner id), read in one HMGET per board page.</summary>
    public static RedisKey BoardNames => $"{Prefix}lb:names";

    /// <summary>The boards a learner is on, so leaving or an erase removes the learner from each of them at once.</summary>
    public RedisKey LearnerBoards(string userId) => $"{Prefix}{Tag(BucketOf(userId))}:lb:{userId}";

    public static bool IsActivity(string member) => member.StartsWith("a:", StringComparison.Ordinal);

    public static string UserOfActivity(string member) => member[2..];

    public static (string UserId, string CourseId) ParseProgress(string member)
    {
        var split = member.IndexOf(':', 2);
        return (member[2..split], member[(split + 1)..]);
    }
}
