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
        Assert.Equal("""{ "userId" : "u-1" }""", EraseFilters.Events("u-1").ToJson());
        Assert.Equal("""{ "userId" : "u-1" }""", EraseFilters.Achievements("u-1").ToJson());
        Assert.Equal("""{ "userId" : "u-1" }""", EraseFilters.QuizAttempts("u-1").ToJson());
    }

    [Fact]
    public void The_webhook_deliveries_and_attempts_of_the_learners_events_go_by_the_events_ids()
    {
        Assert.Equal("""{ "eventId" : { "$in" : ["e1", "e2"] } }""", EraseFilters.Deliveries(["e1", "e2"]).ToJson());
        Assert.Equal("""{ "eventId" : { "$in" : ["e1", "e2"] } }""", EraseFilters.Attempts(["e1", "e2"]).ToJson());
    }
}
