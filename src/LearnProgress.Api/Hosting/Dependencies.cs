using LearnProgress.Core;
using LearnProgress.Sqlite;
using Microsoft.Data.Sqlite;
using LearnProgress.Mongo;
using LearnProgress.Redis;
using StackExchange.Redis;

namespace LearnProgress.Api.Hosting;

public enum Dependency
{
    Buffer,
    Store,
}

/// <summary>Which failures mean "a dependency is down or busy, try again later" rather than a bug.</summary>
public static class Dependencies
{
    public static string Describe(this Dependency dependency) => dependency switch
    {
        Dependency.Buffer => "progress buffer (Redis)",
        _ => "store",
    };

    public static Dependency? Unavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RedisConnectionException or RedisTimeoutException or BufferUnavailableException:
                    return Dependency.Buffer;
                // A Redis that is loading, out of memory under noeviction, or a cluster that is resharding or lost a master.
                case RedisServerException server when RedisProgressBuffer.IsUnavailable(server):
                    return Dependency.Buffer;
                // The store's own judgement: a write it could not take now, or each store's errors that mean it is away.
                case StoreUnavailableException:
                    return Dependency.Store;
                case SqliteException sqlite when SqliteDatabase.IsUnavailable(sqlite):
                    return Dependency.Store;
                case var mongo when MongoProgressStore.IsUnavailable(mongo):
                    return Dependency.Store;
            }
        }
        return null;
    }
}
