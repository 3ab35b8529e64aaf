namespace LearnProgress.Core.Analytics;

/// <summary>Days of the week as the API writes them: lower-case English names.</summary>
public static class WeekDays
{
    public const DayOfWeek Default = DayOfWeek.Monday;

    private static readonly string[] Names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    public static string Name(DayOfWeek day) => Names[(int)day];

    public static bool TryParse(string? text, out DayOfWeek day)
    {
        var index = Array.FindIndex(Names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        day = index < 0 ? Default : (DayOfWeek)index;
        return index >= 0;
    }
}
