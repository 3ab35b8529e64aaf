namespace LearnProgress.Core.Progress;

/// <summary>
/// What the service knows about one learner in one lecture. The same merge applies in the buffer's Lua script, in
/// the store's upsert and on reads, so every path agrees.
/// </summary>
/// <param name="Position">Resume position in seconds: the one of the ping with the greatest client time.</param>
/// <param name="UpdatedAt">Client time (epoch ms) of that ping.</param>
/// <param name="Furthest">Highest position ever reported; never goes down.</param>
/// <param name="Coverage">Footage actually played; only grows.</param>
/// <param name="Completed">Marked completed explicitly or by coverage; never reverts.</param>
public sealed record LectureProgress(double Position, long UpdatedAt, double Furthest, Coverage Coverage, bool Completed = false)
{
    public LectureProgress(double position, long updatedAt, double furthest) : this(position, updatedAt, furthest, Coverage.Empty) { }

    /// <summary>
    /// Last writer wins by client time; ties go to the greater position so the result does not depend on arrival
    /// order. High-water marks only rise. Commutative, associative and idempotent.
    /// </summary>
    public LectureProgress Merge(LectureProgress other)
    {
        var newer = other.UpdatedAt > UpdatedAt || (other.UpdatedAt == UpdatedAt && other.Position > Position) ? other : this;
        return new LectureProgress(newer.Position, newer.UpdatedAt, Math.Max(Furthest, other.Furthest),
            Coverage.Union(other.Coverage), Completed || other.Completed);
    }
}
