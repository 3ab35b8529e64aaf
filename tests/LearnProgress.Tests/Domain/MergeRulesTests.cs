using FsCheck;
using FsCheck.Fluent;
using LearnProgress.Core.Progress;

namespace LearnProgress.Tests.Domain;

public sealed class MergeRulesTests
{
    private static readonly Dictionary<string, LectureProgress> Empty = new();

    [Fact]
    public void The_latest_client_time_decides_the_resume_position()
    {
        var state = ProgressMerge.Apply(Empty, [new("c", "l", 300, 2_000), new("c", "l", 100, 1_000)]);

        Assert.Equal((300.0, 2_000L, 300.0), (state["l"].Position, state["l"].UpdatedAt, state["l"].Furthest));
    }

    [Fact]
    public void Scrubbing_back_moves_resume_but_not_furthest()
    {
        var state = ProgressMerge.Apply(Empty, [new("c", "l", 300, 1_000), new("c", "l", 20, 2_000)]);

        Assert.Equal((20.0, 2_000L, 300.0), (state["l"].Position, state["l"].UpdatedAt, state["l"].Furthest));
    }

    [Fact]
    public void Combining_buffer_and_store_keeps_the_newer_and_the_highest()
    {
        var store = new Dictionary<string, LectureProgress> { ["a"] = new(50, 5_000, 80), ["b"] = new(1, 1, 1) };
        var buffer = new Dictionary<string, LectureProgress> { ["a"] = new(10, 4_000, 90), ["c"] = new(7, 7, 7) };

        var merged = ProgressMerge.Combine(store, buffer);

        Assert.Equal(new LectureProgress(50, 5_000, 90), merged["a"]);
        Assert.Equal(new LectureProgress(1, 1, 1), merged["b"]);
        Assert.Equal(new LectureProgress(7, 7, 7), merged["c"]);
        Assert.Equal(merged, ProgressMerge.Combine(buffer, store));
    }

    [Fact]
    public void Any_permutation_and_duplication_of_pings_gives_the_ordered_result()
    {
        var ping = from lecture in Gen.Elements("l1", "l2", "l3")
                   from position in Gen.Choose(0, 50)
                   from ts in Gen.Choose(0, 20)
                   select new ProgressPing("c", lecture, position, ts);
        var scenario = from pings in Gen.NonEmptyListOf(ping)
                       from duplicates in Gen.SubListOf(pings.ToArray())
                       from shuffled in Gen.Shuffle(pings.Concat(duplicates).ToArray())
                       select (Ordered: pings.OrderBy(p => p.ClientTs).ToList(), Shuffled: shuffled);

        Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            var expected = ProgressMerge.Apply(Empty, s.Ordered);
            var actual = ProgressMerge.Apply(Empty, s.Shuffled);
            return expected.Count == actual.Count && expected.All(kv => actual[kv.Key] == kv.Value);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Coverage_and_day_spans_depend_on_the_set_of_pings_alone()
    {
        for (var seed = 0; seed < 500; seed++)
        {
            var scenario = Model.PingScenarios.Generate(seed);
            var delivered = scenario.Deliveries.SelectMany(d => d).ToList();

            var expected = ProgressMerge.Apply(Empty, scenario.Pings.OrderBy(p => p.ClientTs));
            var actual = ProgressMerge.Apply(Empty, delivered);
            Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));
            Assert.Equal(ProgressMerge.Played(scenario.Pings).OrderBy(kv => kv.Key), ProgressMerge.Played(delivered).OrderBy(kv => kv.Key));
        }
    }

    [Fact]
    public void Splitting_pings_between_flushes_gives_the_same_state_as_one_flush()
    {
        var ping = from position in Gen.Choose(0, 50)
                   from ts in Gen.Choose(0, 20)
                   select new ProgressPing("c", "l", position, ts);
        var scenario = from pings in Gen.NonEmptyListOf(ping)
                       from cut in Gen.Choose(0, pings.Count)
                       select (All: pings, Cut: cut);

        Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            var first = ProgressMerge.Apply(Empty, s.All.Take(s.Cut));
            var second = ProgressMerge.Apply(Empty, s.All.Skip(s.Cut));
            var whole = ProgressMerge.Apply(Empty, s.All);
            var combined = ProgressMerge.Combine(first, second);
            return combined["l"] == whole["l"];
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("learner_1", true)]
    [InlineData("A-z_09", true)]
    [InlineData("", false)]
    [InlineData("a:b", false)]
    [InlineData("{b1}", false)]
    [InlineData("a b", false)]
    [InlineData("é", false)]
    [InlineData("a\n", false)]
    public void Ids_cannot_carry_key_syntax(string id, bool valid) => Assert.Equal(valid, Ids.IsValid(id));

    [Fact]
    public void Ids_are_at_most_64_characters() =>
        Assert.Equal((true, false), (Ids.IsValid(new string('a', 64)), Ids.IsValid(new string('a', 65))));
}
