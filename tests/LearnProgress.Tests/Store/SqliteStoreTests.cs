using LearnProgress.Core;
using LearnProgress.Sqlite;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Store;

public sealed class SqliteDatabase : IDisposable
{
    private readonly TempDirectory _directory = new();

    public SqliteDatabase() => Store = new SqliteProgressStore(Path.Combine(_directory.Path, "learnprogress.db"), new LearnProgress.Core.Progress.CompletionRule(0.9));

    public SqliteProgressStore Store { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}

public sealed class SqliteStoreTests(SqliteDatabase database) : StoreContract, IClassFixture<SqliteDatabase>
{
    protected override IProgressStore Store => database.Store;
}
