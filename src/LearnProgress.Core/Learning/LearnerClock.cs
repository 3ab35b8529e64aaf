namespace LearnProgress.Core.Learning;

/// <summary>Days are the learner's days: a client time belongs to the calendar day of the learner's time zone.</summary>
public static class LearnerClock
{
    public static DateOnly DayOf(long epochMilliseconds, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds), zone).DateTime);

    /// <summary>The client time (epoch ms) at which the learner's day began; a day that skips midnight starts at its first hour.</summary>
    public static long StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(midnight)) midnight = midnight.AddMinutes(30);
        var offset = zone.IsAmbiguousTime(midnight) ? zone.GetAmbiguousTimeOffsets(midnight).Max() : zone.GetUtcOffset(midnight);
        return new DateTimeOffset(midnight, offset).ToUnixTimeMilliseconds();
    }

    public static DateOnly Today(TimeProvider time, TimeZoneInfo zone) => DayOf(time.GetUtcNow().ToUnixTimeMilliseconds(), zone);

    public static bool TryFindZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64) return false;
        // IANA ids only: a Windows id would make the stored setting depend on the machine that reads it.
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) || !found.HasIanaId) return false;
        zone = found;
        return true;
    }
}
