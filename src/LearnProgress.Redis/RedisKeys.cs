using System.IO.Hashing;
using System.Text;
using StackExchange.Redis;

namespace LearnProgress.Redis;

/// <summary>
/// Every key name of the buffer. A learner maps to one bucket by a stable hash; all of that learner's keys and the
/// bucket's sets share the hash tag <c>{bN}</c>, so each script touches one hash slot (legal on Redis Cluster).
/// Ids are validated to [A-Za-z0-9_-], so ':' separates them unambiguously and no id can forge a tag.
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

    /// <summary>The dirty-set member naming one (learner, course).</summary>
    public static string Member(string userId, string courseId) => $"{userId}:{courseId}";

    public RedisKey Progress(int bucket, string member) => $"{Prefix}{Tag(bucket)}:p:{member}";

    public RedisKey Progress(string userId, string courseId) => Progress(BucketOf(userId), Member(userId, courseId));

    public static (string UserId, string CourseId) ParseMember(string member)
    {
        var split = member.IndexOf(':');
        return (member[..split], member[(split + 1)..]);
    }
}
