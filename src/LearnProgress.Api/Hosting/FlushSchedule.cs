namespace LearnProgress.Api.Hosting;

public static class FlushSchedule
{
    /// <summary>A cron expression for the interval, or null when cron cannot express it exactly.</summary>
    public static string? ToCron(TimeSpan interval)
    {
        if (interval.Ticks % TimeSpan.TicksPerSecond != 0) return null;
        var seconds = (int)interval.TotalSeconds;
        if (seconds is >= 1 and < 60 && 60 % seconds == 0) return $"*/{seconds} * * * * *";
        if (seconds % 60 != 0) return null;
        var minutes = seconds / 60;
        if (minutes == 60) return "0 * * * *";
        return minutes is >= 1 and < 60 && 60 % minutes == 0 ? $"*/{minutes} * * * *" : null;
    }
}
