using System.Globalization;
using System.Text;

namespace LearnProgress.Core.Progress;

/// <summary>
/// The footage of a lecture actually played, as a set of disjoint intervals in seconds. Union is the only way it
/// grows, so watching the same minute twice counts once and merging in any order gives the same set.
/// </summary>
public sealed class Coverage : IEquatable<Coverage>
{
    public static readonly Coverage Empty = new([]);

    private readonly Interval[] _intervals;

    private Coverage(Interval[] intervals) => _intervals = intervals;

    public readonly record struct Interval(double Start, double End);

    public IReadOnlyList<Interval> Intervals => _intervals;

    public double Seconds => _intervals.Sum(i => i.End - i.Start);

    public double FractionOf(double duration) => duration <= 0 ? 0 : Math.Min(1, Seconds / duration);

    public static Coverage Of(double start, double end) => end > start ? new([new Interval(start, end)]) : Empty;

    public Coverage Add(double start, double end) => Union(Of(start, end));

    public Coverage Union(Coverage other)
    {
        if (other._intervals.Length == 0) return this;
        if (_intervals.Length == 0) return other;
        var all = _intervals.Concat(other._intervals).OrderBy(i => i.Start).ToList();
        var merged = new List<Interval>(all.Count) { all[0] };
        foreach (var next in all.Skip(1))
        {
            var last = merged[^1];
            if (next.Start <= last.End) merged[^1] = last with { End = Math.Max(last.End, next.End) };
            else merged.Add(next);
        }
        return new Coverage([.. merged]);
    }

    /// <summary>"start:end,start:end" — the form the buffer's Lua script reads and writes.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        foreach (var (start, end) in _intervals)
        {
            if (text.Length > 0) text.Append(',');
            text.Append(start.ToString("0.###", CultureInfo.InvariantCulture)).Append(':')
                .Append(end.ToString("0.###", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    public static Coverage Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return Empty;
        var result = Empty;
        foreach (var part in text.Split(','))
        {
            var colon = part.IndexOf(':');
            result = result.Add(double.Parse(part.AsSpan(0, colon), CultureInfo.InvariantCulture),
                double.Parse(part.AsSpan(colon + 1), CultureInfo.InvariantCulture));
        }
        return result;
    }

    public bool Equals(Coverage? other) => other is not null && _intervals.AsSpan().SequenceEqual(other._intervals);
    public override bool Equals(object? obj) => Equals(obj as Coverage);
    public override int GetHashCode() => _intervals.Length == 0 ? 0 : HashCode.Combine(_intervals.Length, _intervals[0], _intervals[^1]);
    public override string ToString() => Format();
}
