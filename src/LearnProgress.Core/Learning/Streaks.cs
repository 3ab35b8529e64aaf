namespace LearnProgress.Core.Learning;

/// <summary>Streak rules: runs of active days are kept on write, so reads only look at the few recent ones.</summary>
public static class Streaks
{
    /// <summary>
    /// How a day that just became active changes the runs next to it: extends one, joins two (a late day filling a
    /// gap), or starts a new one. Returns the run that now holds the day and the runs it replaces.
    /// </summary>
    public static (DayRun Joined, IReadOnlyList<DayRun> Replaced) Join(DateOnly day, DayRun? endingBefore, DayRun? startingAfter)
    {
        var start = endingBefore?.End == day.AddDays(-1) ? endingBefore.Value.Start : day;
        var end = startingAfter?.Start == day.AddDays(1) ? startingAfter.Value.End : day;
        var replaced = new List<DayRun>(2);
        if (start != day) replaced.Add(endingBefore!.Value);
        if (end != day) replaced.Add(startingAfter!.Value);
        return (new DayRun(start, end), replaced);
    }

    /// <summary>Folds active days into runs by <see cref="Join"/>; days already inside a run change nothing.</summary>
    public static List<DayRun> Extend(IEnumerable<DayRun> runs, IEnumerable<DateOnly> activeDays)
    {
        var result = runs.ToList();
        foreach (var day in activeDays.Order())
        {
            if (result.Any(r => r.Contains(day))) continue;
            var before = result.Where(r => r.End == day.AddDays(-1)).Cast<DayRun?>().FirstOrDefault();
            var after = result.Where(r => r.Start == day.AddDays(1)).Cast<DayRun?>().FirstOrDefault();
            var (joined, replaced) = Join(day, before, after);
            result.RemoveAll(replaced.Contains);
            result.Add(joined);
        }
        return result;
    }

    /// <summary>
    /// Current and longest streak from the stored runs that end recently, the stored longest, and days that are
    /// active in the buffer but not yet in the store. The current streak ends today, or yesterday when today is
    /// not active yet.
    /// </summary>
    public static (int Current, int Longest, DateOnly? LastActive) Compute(
        IReadOnlyList<DayRun> recentRuns, IEnumerable<DateOnly> pendingActiveDays, int storedLongest, DateOnly today)
    {
        var runs = Extend(recentRuns, pendingActiveDays);
        var longest = runs.Select(r => r.Length).Append(storedLongest).Max();
        var latest = runs.Count == 0 ? (DayRun?)null : runs.MaxBy(r => r.End);
        var current = latest is { } run && run.End >= today.AddDays(-1) ? run.Length : 0;
        return (current, longest, latest?.End);
    }
}
