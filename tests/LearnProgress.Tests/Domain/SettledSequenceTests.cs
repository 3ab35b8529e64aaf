using LearnProgress.Core.Events;
using static LearnProgress.Core.Events.SettledSequence;

namespace LearnProgress.Tests.Domain;

/// <summary>
/// How far a feed whose numbers are taken before their writes commit may be read: never past a hole a writer may
/// still fill, never stuck behind one nobody will.
/// </summary>
public sealed class SettledSequenceTests
{
    private static readonly TimeSpan Young = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Old = Window + TimeSpan.FromSeconds(1);

    private static int Readable(long after, params (long Sequence, TimeSpan Age)[] read) =>
        ReadableCount(after, read.Select(r => new Numbered(r.Sequence, r.Age)).ToList(), Window);

    [Fact]
    public void A_run_without_holes_is_readable_at_once()
    {
        Assert.Equal(3, Readable(4, (5, Young), (6, Young), (7, Young)));
        Assert.Equal(0, Readable(4));
    }

    [Fact]
    public void A_young_number_after_a_hole_waits_for_the_hole_to_be_filled_or_settled()
    {
        // 6 was taken before 7; its writer may still commit it, so a reader that passed 7 would never see it.
        Assert.Equal(1, Readable(4, (5, Young), (7, Young), (8, Young)));
        Assert.Equal(0, Readable(4, (6, Young)));
    }

    [Fact]
    public void A_hole_whose_next_number_is_older_than_the_window_is_passed()
    {
        // Nobody took 6 within the window: a writer that failed, an event already stored, an erased one.
        Assert.Equal(3, Readable(4, (5, Young), (7, Old), (8, Young)));
        Assert.Equal(2, Readable(0, (3, Old), (4, Young), (9, Young)));
    }

    [Fact]
    public void Exactly_the_window_is_settled()
    {
        Assert.Equal(1, ReadableCount(0, [new Numbered(2, Window)], Window));
        Assert.Equal(0, ReadableCount(0, [new Numbered(2, Window - TimeSpan.FromMilliseconds(1))], Window));
    }

    [Fact]
    public void Taking_numbers_fits_well_inside_the_window()
    {
        Assert.True(TakingBudget * 2 < Window);
    }
}
