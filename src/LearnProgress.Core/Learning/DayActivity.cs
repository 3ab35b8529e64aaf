namespace LearnProgress.Core.Learning;

/// <summary>One calendar day of one learner, in the learner's time zone.</summary>
public sealed record DayActivity(DateOnly Day, double Seconds, int Count)
{
    public const double ActiveSeconds = 60;
    public const double MaxSeconds = 86_400;

    /// <summary>A day counts for streaks with a minute of footage, a completion, or a mark.</summary>
    public bool IsActive => Seconds >= ActiveSeconds || Count > 0;
}

/// <summary>A run of consecutive active days, both ends included.</summary>
public readonly record struct DayRun(DateOnly Start, DateOnly End)
{
    public int Length => End.DayNumber - Start.DayNumber + 1;

    public bool Contains(DateOnly day) => day >= Start && day <= End;
}
