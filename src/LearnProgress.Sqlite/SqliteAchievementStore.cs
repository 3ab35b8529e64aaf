using Dapper;
using LearnProgress.Core.Achievements;
using LearnProgress.Core.Events;

namespace LearnProgress.Sqlite;

/// <summary>Earned achievements; an award and its event commit together, and an award held already adds nothing.</summary>
public sealed class SqliteAchievementStore(SqliteDatabase database) : IAchievementStore
{
    internal const string Create = """
        CREATE TABLE IF NOT EXISTS achievements (
            user_id TEXT NOT NULL,
            achievement_id TEXT NOT NULL,
            day INTEGER NOT NULL,
            PRIMARY KEY (user_id, achievement_id)
        ) WITHOUT ROWID;
        """;

    public async Task<IReadOnlyList<EarnedAchievement>> ReadEarnedAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        var rows = await connection.QueryAsync<(string Id, long Day)>(
            "SELECT achievement_id, day FROM achievements WHERE user_id = @user ORDER BY day, achievement_id;", new { user = userId });
        return rows.Select(r => new EarnedAchievement(r.Id, DateOnly.FromDayNumber((int)r.Day))).ToList();
    }

    public async Task<IReadOnlyList<LearningEvent>> AwardAsync(string userId, IReadOnlyList<(EarnedAchievement Award, LearningEvent Event)> awards,
        CancellationToken cancellationToken = default)
    {
        if (awards.Count == 0) return [];
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction();
        var added = new List<LearningEvent>();
        foreach (var (award, e) in awards)
        {
            var inserted = await connection.ExecuteAsync(
                "INSERT INTO achievements (user_id, achievement_id, day) VALUES (@user, @id, @day) ON CONFLICT DO NOTHING;",
                new { user = userId, id = award.AchievementId, day = award.Day.DayNumber }, transaction);
            if (inserted == 0) continue;
            await connection.ExecuteAsync(Schema.InsertEvent, new
            {
                id = e.Id.ToString(), type = e.Type, user = e.UserId, timestamp = e.Timestamp.ToUnixTimeMilliseconds(), data = e.Data,
            }, transaction);
            added.Add(e);
        }
        await transaction.CommitAsync(cancellationToken);
        return added;
    }
}
