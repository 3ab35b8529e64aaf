using LearnProgress.Core.Leaderboards;
using LearnProgress.Redis;
using LearnProgress.Tests.Infrastructure;
using StackExchange.Redis;

namespace LearnProgress.Tests.Leaderboards;

/// <summary>The weekly boards on every server behind the buffer: one subclass per server.</summary>
public abstract class LeaderboardContract
{
    private readonly RedisKeys _keys = new(16);
    private readonly string _course = Unique.Id("c");
    // A week of its own per test, so boards of tests sharing a server never meet.
    private readonly DateOnly _week = new DateOnly(2020, 1, 6).AddDays(7 * Random.Shared.Next(0, 100_000));

    protected abstract IConnectionMultiplexer Connection { get; }

    protected virtual void RequireServer() { }

    private RedisLeaderboards Boards => new(Connection, _keys);

    private async Task<string> JoinedAsync(string name)
    {
        var user = Unique.Id("u");
        await Boards.JoinAsync(user, name);
        return user;
    }

    private static BoardScore Score(string user, DateOnly week, double seconds, params string[] courses) => new(user, week, courses, seconds);

    [Fact]
    public async Task The_top_is_ordered_by_minutes_with_ties_by_learner_id_and_the_caller_is_ranked_outside_it()
    {
        RequireServer();
        var users = new List<string>();
        for (var i = 0; i < 60; i++) users.Add(await JoinedAsync($"Learner {i}"));
        // Two learners share 3000 s: they keep one order, by id, read after read.
        await Boards.WriteAsync(users.Select((u, i) => Score(u, _week, i == 59 ? 3_000 : 60 * (i + 1), _course)).ToList());

        var global = await Boards.ReadAsync(null, _week, users[0], 50);
        var course = await Boards.ReadAsync(_course, _week, users[0], 50);

        Assert.Equal(50, global.Entries.Count);
        Assert.Equal(Enumerable.Range(1, 50), global.Entries.Select(e => e.Rank));
        Assert.Equal(59.0, global.Entries[0].Minutes);
        var tied = global.Entries.Where(e => e.Minutes == 50.0).ToList();
        Assert.Equal(2, tied.Count);
        var tiedIds = new[] { users[49], users[59] }.Order(StringComparer.Ordinal).Reverse().ToList();
        Assert.Equal(tiedIds.Select(id => $"Learner {users.IndexOf(id)}"), tied.Select(e => e.DisplayName));
        Assert.Equal(new BoardMe(60, 1.0), global.Me);
        Assert.Equal(global.Entries, course.Entries);
    }

    [Fact]
    public async Task Writing_the_same_totals_again_leaves_every_board_as_it_was()
    {
        RequireServer();
        var a = await JoinedAsync("Ada");
        var b = await JoinedAsync("Alan");
        var scores = new[] { Score(a, _week, 600, _course), Score(b, _week, 1_200, _course) };
        await Boards.WriteAsync(scores);
        var global = await Connection.GetDatabase().SortedSetRangeByRankWithScoresAsync(RedisKeys.Board(Core.Leaderboards.Boards.Format(_week), null));
        var course = await Connection.GetDatabase().SortedSetRangeByRankWithScoresAsync(RedisKeys.Board(Core.Leaderboards.Boards.Format(_week), _course));

        await Boards.WriteAsync(scores);
        await Boards.WriteAsync([scores[0]]);

        Assert.Equal(global, await Connection.GetDatabase().SortedSetRangeByRankWithScoresAsync(RedisKeys.Board(Core.Leaderboards.Boards.Format(_week), null)));
        Assert.Equal(course, await Connection.GetDatabase().SortedSetRangeByRankWithScoresAsync(RedisKeys.Board(Core.Leaderboards.Boards.Format(_week), _course)));
        Assert.Equal(["Alan", "Ada"], (await Boards.ReadAsync(null, _week, a, 50)).Entries.Select(e => e.DisplayName));
    }

    [Fact]
    public async Task A_later_total_without_the_course_still_updates_the_course_board_the_learner_is_on_that_week()
    {
        RequireServer();
        var a = await JoinedAsync("Ada");
        await Boards.WriteAsync([Score(a, _week, 600, _course)]);

        await Boards.WriteAsync([Score(a, _week, 900, "other-course")]);

        Assert.Equal(15.0, Assert.Single((await Boards.ReadAsync(_course, _week, a, 50)).Entries).Minutes);
        Assert.Equal(15.0, Assert.Single((await Boards.ReadAsync("other-course", _week, a, 50)).Entries, e => e.DisplayName == "Ada").Minutes);
    }

    [Fact]
    public async Task Leaving_removes_the_learner_from_every_board_at_once_and_keeps_the_others()
    {
        RequireServer();
        var a = await JoinedAsync("Ada");
        var b = await JoinedAsync("Alan");
        await Boards.WriteAsync([Score(a, _week, 600, _course), Score(a, _week.AddDays(7), 60, _course), Score(b, _week, 300, _course)]);

        await Boards.LeaveAsync(a);

        Assert.Equal(["Alan"], (await Boards.ReadAsync(_course, _week, b, 50)).Entries.Select(e => e.DisplayName));
        Assert.Equal(["Alan"], (await Boards.ReadAsync(null, _week, b, 50)).Entries.Select(e => e.DisplayName));
        Assert.Empty((await Boards.ReadAsync(null, _week.AddDays(7), b, 50)).Entries);
        Assert.Null((await Boards.ReadAsync(null, _week, a, 50)).Me);
        var db = Connection.GetDatabase();
        Assert.Null(await db.SortedSetScoreAsync(RedisKeys.Board(Core.Leaderboards.Boards.Format(_week), null), a));
        Assert.False(await db.KeyExistsAsync(_keys.LearnerBoards(a)));
        Assert.False(await db.HashExistsAsync(RedisKeys.BoardNames, a));
    }

    [Fact]
    public async Task A_total_written_for_a_learner_who_left_meanwhile_does_not_stay_and_boards_expire()
    {
        RequireServer();
        var gone = Unique.Id("u");
        var a = await JoinedAsync("Ada");

        await Boards.WriteAsync([Score(gone, _week, 600, _course), Score(a, _week, 60, _course)]);

        var db = Connection.GetDatabase();
        var board = RedisKeys.Board(Core.Leaderboards.Boards.Format(_week), _course);
        Assert.Equal([a], (await db.SortedSetRangeByRankAsync(board)).Select(m => m.ToString()));
        var ttl = await db.KeyTimeToLiveAsync(board);
        Assert.True(ttl > TimeSpan.FromDays(30) && ttl <= TimeSpan.FromDays(35), $"ttl {ttl}");
        Assert.Equal(new BoardMe(1, 1.0), (await Boards.ReadAsync(_course, _week, a, 50)).Me);
        Assert.Null((await Boards.ReadAsync(_course, _week, gone, 50)).Me);
    }
}

public sealed class GarnetLeaderboardTests(GarnetServer server) : LeaderboardContract, IClassFixture<GarnetServer>
{
    protected override IConnectionMultiplexer Connection => server.Connection;
}

public sealed class RedisLeaderboardTests(RedisServer server) : LeaderboardContract, IClassFixture<RedisServer>
{
    protected override IConnectionMultiplexer Connection => server.Connection;
    protected override void RequireServer() => server.Require();
}

public sealed class ClusterLeaderboardTests(RedisCluster cluster) : LeaderboardContract, IClassFixture<RedisCluster>
{
    protected override IConnectionMultiplexer Connection => cluster.Connection;
    protected override void RequireServer() => cluster.Require();
}
