namespace LearnProgress.Core.Webhooks;

/// <summary>
/// When a failed delivery is tried again: a schedule over about three days, with jitter so endpoints that failed
/// together are not retried together, never sooner than the receiver's <c>Retry-After</c>.
/// </summary>
public static class RetrySchedule
{
    public static readonly IReadOnlyList<TimeSpan> Delays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
        TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(24),
    ];

    /// <summary>Share of a delay the jitter may add or take away.</summary>
    public const double Jitter = 0.1;

    /// <summary>
    /// The delay before the next try after <paramref name="attemptsMade"/> failed tries, or null when the schedule is
    /// spent. <paramref name="random"/> in [0, 1) picks the jitter.
    /// </summary>
    public static TimeSpan? Next(int attemptsMade, TimeSpan? retryAfter, double random)
    {
        if (attemptsMade < 1 || attemptsMade > Delays.Count) return null;
        var delay = Delays[attemptsMade - 1] * (1 + Jitter * (2 * random - 1));
        return retryAfter is { } asked && asked > delay ? Min(asked, TimeSpan.FromHours(24)) : delay;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>What one try means for the delivery and its endpoint.</summary>
public static class DeliveryRules
{
    /// <summary>How long an endpoint may fail every delivery before it is disabled.</summary>
    public static readonly TimeSpan DisableAfterFailingFor = TimeSpan.FromDays(5);

    public sealed record Outcome(DeliveryStatus Status, DateTimeOffset NextAttemptAt, bool DisableEndpoint, string? DisabledReason, DateTimeOffset? FailingSince);

    public static Outcome Decide(WebhookEndpoint endpoint, int attemptsMade, AttemptResult result, DateTimeOffset now, double random)
    {
        if (result.Succeeded) return new Outcome(DeliveryStatus.Delivered, now, false, null, null);
        var failingSince = endpoint.FailingSince ?? now;
        if (result.StatusCode == 410)
            return new Outcome(DeliveryStatus.Failed, now, true, "The endpoint answered 410 Gone.", failingSince);
        if (now - failingSince >= DisableAfterFailingFor)
            return new Outcome(DeliveryStatus.Failed, now, true,
                $"Every delivery failed for {DisableAfterFailingFor.TotalDays:0} days (since {failingSince.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}).", failingSince);
        return RetrySchedule.Next(attemptsMade, result.RetryAfter, random) is { } delay
            ? new Outcome(DeliveryStatus.Pending, now + delay, false, null, failingSince)
            : new Outcome(DeliveryStatus.Failed, now, false, null, failingSince);
    }
}
