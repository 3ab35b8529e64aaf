using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Store;

/// <summary>The store contract against a real MongoDB (MONGODB_URI or Testcontainers), skipped with the reason without one.</summary>
public sealed class MongoStoreTests(MongoServer server) : StoreContract
{
    protected override RecordHarness Store => server.Record;
}
