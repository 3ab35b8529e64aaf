using LearnProgress.Sqlite;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Store;

public sealed class SqliteFile : IDisposable
{
    private readonly TempDirectory _directory = new();

    public SqliteFile()
    {
        Database = new SqliteDatabase(Path.Combine(_directory.Path, "learnprogress.db"));
        Record = new RecordHarness(new SqliteProgressStore(Database), new SqliteCourseCatalog(Database), new SqliteLearnerSettings(Database));
    }

    public SqliteDatabase Database { get; }

    public RecordHarness Record { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}

public sealed class SqliteStoreTests(SqliteFile file) : StoreContract, IClassFixture<SqliteFile>
{
    protected override RecordHarness Store => file.Record;
}
