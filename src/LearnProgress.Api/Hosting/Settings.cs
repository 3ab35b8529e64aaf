using System.ComponentModel.DataAnnotations;

namespace LearnProgress.Api.Hosting;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Holds the SQLite file (learnprogress.db) and, in embedded mode, Garnet's files under garnet/.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Embedded mode: time between Garnet's background checkpoints; each lets the AOF behind it be deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Embedded mode: an AOF larger than this gets a checkpoint within seconds, whatever the schedule.</summary>
    [Range(8, 4096)]
    public int AofSizeLimitMegabytes { get; set; } = 64;

    /// <summary>
    /// Whether a write is on stable storage before it is acknowledged: each grouped call's Garnet AOF commit is synced
    /// (fsync) before its pings are answered, and SQLite commits with synchronous=FULL. False leaves the last writes to the
    /// drive's cache: they survive a killed process, not a power loss.
    /// </summary>
    public bool SyncToDisk { get; set; } = true;

    public string DatabasePath => Path.Combine(DataDirectory, "learnprogress.db");
    public string GarnetDirectory => Path.Combine(DataDirectory, "garnet");
}

public sealed class WriteBehindOptions : IValidatableObject
{
    public const string Section = "WriteBehind";

    /// <summary>How often the recurring job drains changed keys into the store.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Number of buckets (hash slots) learners are spread over; change it only with an empty buffer.</summary>
    [Range(1, 16384)]
    public int Buckets { get; set; } = 1024;

    /// <summary>How long a flushed key stays in the buffer for fast reads before it expires.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan FlushedKeyTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Replicas that must hold a ping before it is acknowledged (Redis <c>WAIT</c>); 0 acknowledges on the primary's
    /// word. Only with <c>ConnectionStrings:Redis</c>: embedded Garnet has no replicas.
    /// </summary>
    [Range(0, 16)]
    public int WaitReplicas { get; set; }

    /// <summary>How long a ping waits for its replicas before it answers 503 (not acknowledged; the client retries).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:30")]
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FlushSchedule.ToCron(FlushInterval) is null)
            yield return new ValidationResult(
                $"WriteBehind:FlushInterval must be 1 to 59 seconds or 1 to 60 minutes that divide a minute or an hour evenly (e.g. 00:00:15, 00:00:30, 00:05:00); got {FlushInterval}.",
                [nameof(FlushInterval)]);
    }
}

public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>HS256 key for tokens this service trusts; at least 32 bytes. Not needed when <see cref="Authority"/> is set.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "learnprogress";
    public string Audience { get; set; } = "learnprogress";

    /// <summary>An OpenID Connect authority; tokens are then validated against its published keys.</summary>
    public string? Authority { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Authority)) yield break;
        if (string.IsNullOrEmpty(SigningKey))
            yield return new ValidationResult(
                "Auth:SigningKey is required (at least 32 bytes), or set Auth:Authority to use an OpenID Connect provider. Only the Development environment ships a key.",
                [nameof(SigningKey)]);
        else if (System.Text.Encoding.UTF8.GetByteCount(SigningKey) < 32)
            yield return new ValidationResult("Auth:SigningKey must be at least 32 bytes for HS256.", [nameof(SigningKey)]);
    }
}

public sealed class CompletionOptions
{
    public const string Section = "Completion";

    /// <summary>Share of a lecture's duration that must actually be played for it to complete by itself.</summary>
    [Range(0.01, 1.0)]
    public double CoverageThreshold { get; set; } = 0.9;
}
