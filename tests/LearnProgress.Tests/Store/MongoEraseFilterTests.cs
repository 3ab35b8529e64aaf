using LearnProgress.Mongo;
using MongoDB.Bson;

namespace LearnProgress.Tests.Store;

/// <summary>What a MongoDB erase deletes by, rendered to BSON: every collection that names a learner, by the learner alone.</summary>
public sealed class MongoEraseFilterTests
{
    [Fact]
    public void An_erase_deletes_by_the_learner_in_each_collection_that_names_one()
    {
        Assert.Equal("""{ "userId" : "u-1" }""", EraseFilters.Progress("u-1").ToJson());
        Assert.Equal("""{ "userId" : "u-1" }""", EraseFilters.Activity("u-1").ToJson());
        Assert.Equal("""{ "_id" : "u-1" }""", EraseFilters.Learner("u-1").ToJson());
    }
}
