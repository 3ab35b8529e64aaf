using LearnProgress.Core.Progress;

namespace LearnProgress.Core.Learning;

/// <summary>One calendar day of one learner, in the learner's time zone: seconds played, marks and completions.</summary>
public sealed record DayActivity(DateOnly Day, double Seconds, int Marks, int Completions)
{
    public const double ActiveSeconds = 60;
    public const double MaxSeconds = 86_400;

    /// <summary>The heatmap's count: marks plus lectures completed that day.</summary>
    public int Count => Marks + Completions;

    /// <summary>A day counts for streaks with a minute of playback, a completion, or a mark.</summary>
    public bool IsActive => Seconds >= ActiveSeconds || Count > 0;

    /// <summary>
    /// A day's seconds: the time inside the day during which the learner was playing, each moment once. Kept as the
    /// set of played spans, so merging the buffer's spans with the stored ones in any order, any number of times,
    /// gives the same number; it never drops below what was stored before (<paramref name="atLeast"/>).
    /// </summary>
    public static double SecondsOf(Coverage played, double atLeast = 0) => Math.Min(MaxSeconds, Math.Max(atLeast, played.Seconds));
}

/// <summary>A run of consecutive active days, both ends included.</summary>
public readonly record struct DayRun(DateOnly Start, DateOnly End)
{
    public int Length => End.DayNumber - Start.DayNumber + 1;

    public bool Contains(DateOnly day) => day >= Start && day <= End;
}
