using LearnProgress.Core;
using LearnProgress.Core.Leaderboards;
using StackExchange.Redis;

namespace LearnProgress.Redis;

/// <summary>
/// The weekly boards as sorted sets, one key per board and week (<see cref="RedisKeys.Board"/>), scored by the week's
/// seconds. Scores are set with ZADD to the absolute week total, never incremented, so writing the same total again
/// (a replayed flush) changes nothing. Equal scores rank by learner id, as Redis orders equal members (reverse
/// lexicographic in ZREVRANGE), so ties are stable.
/// </summary>
public sealed class RedisLeaderboards(IConnectionMultiplexer redis, RedisKeys keys) : ILeaderboards
{
    private IDatabase Db => redis.GetDatabase();

    public async Task WriteAsync(IReadOnlyList<BoardScore> scores, CancellationToken cancellationToken = default)
    {
        try
        {
            foreach (var byUser in scores.GroupBy(s => s.UserId, StringComparer.Ordinal))
            {
                var user = byUser.Key;
                var joined = (await Db.SetMembersAsync(keys.LearnerBoards(user))).Select(m => m.ToString()).ToList();
                var batch = Db.CreateBatch();
                var writes = new List<Task>();
                foreach (var score in byUser)
                {
                    var week = Boards.Format(score.Week);
                    var boards = score.Courses.Select(c => RedisKeys.Board(week, c).ToString()).Prepend(RedisKeys.Board(week, null).ToString())
                        .Union(joined.Where(b => b.StartsWith(RedisKeys.BoardWeek(week), StringComparison.Ordinal)), StringComparer.Ordinal).ToList();
                    writes.Add(batch.SetAddAsync(keys.LearnerBoards(user), boards.Select(b => (RedisValue)b).ToArray()));
                    foreach (var board in boards)
                    {
                        writes.Add(batch.SortedSetAddAsync(board, user, score.Seconds));
                        writes.Add(batch.KeyExpireAsync(board, Boards.Keep));
                    }
                }
                writes.Add(batch.KeyExpireAsync(keys.LearnerBoards(user), Boards.Keep));
                batch.Execute();
                await Task.WhenAll(writes);
                // A learner who left while this write was on its way must not stay on a board.
                if (!await Db.HashExistsAsync(RedisKeys.BoardNames, user)) await LeaveAsync(user, cancellationToken);
            }
        }
        catch (RedisException ex)
        {
            throw new BufferUnavailableException($"The boards cannot be written now: {ex.Message}");
        }
    }

    public Task JoinAsync(string userId, string displayName, CancellationToken cancellationToken = default) =>
        Db.HashSetAsync(RedisKeys.BoardNames, userId, displayName);

    public async Task LeaveAsync(string userId, CancellationToken cancellationToken = default)
    {
        await Db.HashDeleteAsync(RedisKeys.BoardNames, userId);
        var boards = await Db.SetMembersAsync(keys.LearnerBoards(userId));
        var batch = Db.CreateBatch();
        var removes = boards.Select(b => (Task)batch.SortedSetRemoveAsync(b.ToString(), userId)).ToList();
        batch.Execute();
        await Task.WhenAll(removes);
        // Removed last, so a leave interrupted half-way still knows the boards left to clear when repeated.
        await Db.KeyDeleteAsync(keys.LearnerBoards(userId));
    }

    public async Task<BoardStanding> ReadAsync(string? courseId, DateOnly week, string userId, int top, CancellationToken cancellationToken = default)
    {
        var board = RedisKeys.Board(Boards.Format(week), courseId);
        var batch = Db.CreateBatch();
        var topTask = batch.SortedSetRangeByRankWithScoresAsync(board, 0, top - 1, Order.Descending);
        var meJoined = batch.HashExistsAsync(RedisKeys.BoardNames, userId);
        var meRank = batch.SortedSetRankAsync(board, userId, Order.Descending);
        var meScore = batch.SortedSetScoreAsync(board, userId);
        batch.Execute();
        var leaders = await topTask;
        var names = leaders.Length == 0 ? [] : await Db.HashGetAsync(RedisKeys.BoardNames, leaders.Select(l => l.Element).ToArray());
        var entries = new List<BoardEntry>(leaders.Length);
        for (var i = 0; i < leaders.Length; i++)
            if (!names[i].IsNull) entries.Add(new BoardEntry(i + 1, names[i].ToString(), Boards.Minutes(leaders[i].Score)));
        var me = await meJoined ? new BoardMe(await meRank is { } rank ? (int)rank + 1 : null, Boards.Minutes(await meScore ?? 0)) : null;
        return new BoardStanding(entries, me);
    }
}
