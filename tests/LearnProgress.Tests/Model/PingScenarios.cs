using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Tests.Model;

/// <summary>
/// Random but reproducible (by seed) ping histories as players produce them, and as networks deliver them: several
/// playback sessions over lectures of different lengths, twins reporting at the same instant, 5-second pieces at 1x to 2x (and some forged beyond the
/// cap), seeks, pings without a segment or without the time it began, fractional positions, days that cross
/// midnight and a DST change in several zones; then delivered shuffled, with duplicates, in batches.
/// </summary>
public static class PingScenarios
{
    public static readonly string[] Zones = ["UTC", "Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe"];
    public static readonly (string Id, double Duration)[] Lectures = [("l1", 60), ("l2", 300), ("l3", 1_200)];
    private static readonly double[] Rates = [1, 1, 1, 1.5, 2, 2, 3];

    // The night of 1 November 2026, when Los Angeles leaves daylight saving time.
    private static readonly long Around = new DateTimeOffset(2026, 10, 31, 18, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public sealed record Scenario(int Seed, TimeZoneInfo Zone, string Course, IReadOnlyList<ProgressPing> Pings, IReadOnlyList<IReadOnlyList<ProgressPing>> Deliveries)
    {
        public override string ToString() =>
            $"seed {Seed}, zone {Zone.Id}, {Pings.Count} pings:\n" + string.Join("\n", Pings.Select(p =>
                $"  {p.LectureId} {p.SegmentStart}->{p.WatchTime} at {p.ClientTs} (segment began {p.SegmentStartTs}) day {p.Day:yyyy-MM-dd}"));
    }

    public static Scenario Generate(int seed, string course = "c")
    {
        var random = new Random(seed);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zones[random.Next(Zones.Length)]);
        var pings = new List<ProgressPing>();
        var sessions = random.Next(1, 4);
        for (var s = 0; s < sessions; s++)
        {
            var (lecture, duration) = Lectures[random.Next(Lectures.Length)];
            var clock = Around + random.NextInt64(0, 30 * 3_600_000L);
            var position = Math.Round(random.NextDouble() * duration * 0.8, random.Next(0, 5));
            var session = $"s{s}";
            for (var piece = random.Next(1, 16); piece > 0; piece--)
            {
                var startedAt = clock;
                var from = position;
                clock += random.Next(1_000, 8_000);
                if (random.Next(8) == 0) from = position = Math.Round(random.NextDouble() * duration, 3);   // a seek
                position = Math.Min(duration, Math.Round(position + Rates[random.Next(Rates.Length)] * (clock - startedAt) / 1000.0, random.Next(0, 7)));
                var kind = random.Next(10);
                double? segment = kind == 0 ? null : from;
                long? segmentTs = kind is 0 or 1 ? null : startedAt;
                pings.Add(At(course, lecture, position, clock, segment, segmentTs, session, zone));
            }
        }
        // Another tab or device reporting at the very same millisecond from elsewhere in the lecture.
        foreach (var twin in pings.Where(_ => random.Next(6) == 0).ToList())
        {
            var duration = Lectures.Single(l => l.Id == twin.LectureId).Duration;
            pings.Add(twin with { WatchTime = Math.Round(random.NextDouble() * duration, 2), SegmentStart = null, SessionId = "twin" });
        }
        var duplicates = pings.Where(_ => random.Next(4) == 0);
        var shuffled = pings.Concat(duplicates).OrderBy(_ => random.Next()).ToList();
        var deliveries = new List<IReadOnlyList<ProgressPing>>();
        for (var i = 0; i < shuffled.Count;)
        {
            var size = Math.Min(shuffled.Count - i, random.Next(1, 12));
            deliveries.Add(shuffled.GetRange(i, size));
            i += size;
        }
        return new Scenario(seed, zone, course, pings, deliveries);
    }

    /// <summary>A ping as the intake makes it: its day and the day's start in the learner's zone.</summary>
    public static ProgressPing At(string course, string lecture, double position, long clientTs, double? segmentStart, long? segmentStartTs,
        string? session, TimeZoneInfo zone)
    {
        var day = LearnerClock.DayOf(clientTs, zone);
        return new ProgressPing(course, lecture, position, clientTs, segmentStart, session, day, segmentStartTs, LearnerClock.StartOf(day, zone));
    }
}
