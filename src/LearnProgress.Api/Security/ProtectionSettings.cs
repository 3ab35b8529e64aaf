using System.ComponentModel.DataAnnotations;

namespace LearnProgress.Api.Security;

public sealed class RequestLimitsOptions
{
    public const string Section = "RequestLimits";

    /// <summary>Largest request body in bytes; a batch of 100 pings is about 15 KiB.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Deepest JSON nesting read or written: a batch nests 3 levels, the deepest answer (a batch result) 5. The
    /// serializer options are shared by reading and writing, so a lower value also refuses to write deeper answers.
    /// </summary>
    [Range(6, 64)]
    public int MaxJsonDepth { get; set; } = 16;
}

public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Sustained ping requests (save or batch) per second and learner; a player pings every 5 s.</summary>
    [Range(1, 100_000)]
    public int PingTokensPerSecond { get; set; } = 2;

    /// <summary>Ping requests a learner may send at once, e.g. an offline queue replayed as a few batches.</summary>
    [Range(1, 1_000_000)]
    public int PingBurst { get; set; } = 60;

    /// <summary>Requests per minute and client address that carry no valid token.</summary>
    [Range(1, 1_000_000)]
    public int AnonymousPerMinute { get; set; } = 60;
}

public sealed class CorsOriginsOptions : IValidatableObject
{
    public const string Section = "Cors";

    /// <summary>Origins of the video players allowed to call the API from a browser; none by default.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in AllowedOrigins)
            // Browsers send the origin in this exact form and CORS compares it as a string.
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
                || !string.IsNullOrEmpty(uri.UserInfo) || origin != uri.GetLeftPart(UriPartial.Authority))
                yield return new ValidationResult(
                    $"Cors:AllowedOrigins entries must be origins like https://player.example.com (scheme, lower-case host, optional port; no path or trailing slash); got '{origin}'.",
                    [nameof(AllowedOrigins)]);
    }
}

public sealed class DashboardAccessOptions
{
    public const string Section = "Dashboard";

    /// <summary>How long the dashboard cookie issued to an admin token stays valid (never beyond the token itself).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "08:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
