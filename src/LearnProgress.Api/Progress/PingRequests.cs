using FluentValidation;
using LearnProgress.Core.Progress;

namespace LearnProgress.Api.Progress;

/// <summary>One auto-save ping as the player sends it. Every field is nullable so a missing one is a field error, not a binding failure.</summary>
public sealed record PingRequest(
    string? CourseId,
    string? LectureId,
    double? WatchTime,
    double? Duration,
    long? ClientTs,
    double? SegmentStart,
    string? SessionId,
    long? SegmentStartTs = null);

public sealed record BatchRequest(IReadOnlyList<PingRequest?>? Pings);

public sealed record Synced(string Message = "synced");

public sealed record CompleteRequest(string? CourseId, string? LectureId);

public sealed record Completed(string Message = "completed");

public sealed record BatchRejection(int Index, IDictionary<string, string[]> Errors);

public sealed record BatchResult(int Accepted, IReadOnlyList<BatchRejection> Rejected);

public sealed class PingValidator : AbstractValidator<PingRequest>
{
    public const double MaxSeconds = 7 * 24 * 3600;
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(5);

    public PingValidator(TimeProvider time)
    {
        RuleFor(p => p.CourseId).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
        RuleFor(p => p.LectureId).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
        RuleFor(p => p.WatchTime).NotNull().WithMessage("is required.")
            .Must(Seconds).WithMessage($"must be a finite number of seconds from 0 to {MaxSeconds}.");
        RuleFor(p => p.Duration).Must(d => d > 0 && Seconds(d)).When(p => p.Duration is not null)
            .WithMessage($"must be a finite number of seconds above 0 and at most {MaxSeconds}.");
        RuleFor(p => p.WatchTime).Must((p, w) => w <= p.Duration)
            .When(p => Seconds(p.WatchTime) && p.Duration > 0 && Seconds(p.Duration))
            .WithMessage("must not exceed duration.");
        RuleFor(p => p.SegmentStart).Must(Seconds).When(p => p.SegmentStart is not null)
            .WithMessage($"must be a finite number of seconds from 0 to {MaxSeconds}.");
        RuleFor(p => p.SegmentStart).Must((p, s) => s <= p.WatchTime)
            .When(p => Seconds(p.SegmentStart) && Seconds(p.WatchTime) && p.SegmentStart is not null)
            .WithMessage("must not be after watchTime.");
        RuleFor(p => p.ClientTs)
            .Must(ts => ts >= time.GetUtcNow().Subtract(MaxAge).ToUnixTimeMilliseconds())
            .WithMessage("must not be more than 30 days in the past.")
            .Must(ts => ts <= time.GetUtcNow().Add(MaxAhead).ToUnixTimeMilliseconds())
            .WithMessage("must not be more than 5 minutes in the future.")
            .When(p => p.ClientTs is not null);
        RuleFor(p => p.SegmentStartTs)
            .Must((p, ts) => p.SegmentStart is not null).WithMessage("needs segmentStart: it is the time playback from segmentStart began.")
            .Must((p, ts) => ts <= (p.ClientTs ?? time.GetUtcNow().ToUnixTimeMilliseconds())).WithMessage("must not be after clientTs.")
            .Must(ts => ts >= time.GetUtcNow().Subtract(MaxAge).ToUnixTimeMilliseconds())
            .WithMessage("must not be more than 30 days in the past.")
            .When(p => p.SegmentStartTs is not null);
        RuleFor(p => p.SessionId).Must(Ids.IsValid!).When(p => p.SessionId is not null).WithMessage($"must be {Ids.Rule}.");
    }

    private static bool Seconds(double? value) => value is >= 0 and <= MaxSeconds && double.IsFinite(value.Value);
}
