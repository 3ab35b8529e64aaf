using Hangfire.Mongo;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Operations;
using LearnProgress.Mongo;
using MongoDB.Driver;

namespace LearnProgress.Tests.Store;

/// <summary>Settings that keep MongoDB faults from hanging the service; they need no server to check.</summary>
public sealed class MongoSettingsTests
{
    [Fact]
    public void Every_write_waits_for_a_majority_for_a_bounded_time()
    {
        Assert.Equal(WriteConcern.WValue.Parse("majority"), MongoNames.Majority.W);
        Assert.Equal(TimeSpan.FromSeconds(10), MongoNames.Majority.WTimeout);
    }

    [Fact]
    public void Finding_connecting_to_and_reading_from_a_server_are_bounded()
    {
        var settings = MongoStorageExtensions.ClientSettings(new MongoUrl("mongodb://db.example:27017/learnprogress"));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)),
            (settings.ServerSelectionTimeout, settings.ConnectTimeout, settings.SocketTimeout));
    }

    [Fact]
    public void Bounds_the_connection_string_names_are_kept()
    {
        var settings = MongoStorageExtensions.ClientSettings(
            new MongoUrl("mongodb://db.example:27017/learnprogress?serverSelectionTimeoutMS=500&connectTimeoutMS=700&socketTimeoutMS=900"));
        Assert.Equal((TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(700), TimeSpan.FromMilliseconds(900)),
            (settings.ServerSelectionTimeout, settings.ConnectTimeout, settings.SocketTimeout));
    }

    [Theory]
    [InlineData("mongodb://db.example:27017/learnprogress?replicaSet=rs0", CheckQueuedJobsStrategy.Watch)]
    [InlineData("mongodb://db.example:27017/learnprogress", CheckQueuedJobsStrategy.TailNotificationsCollection)]
    public void Queued_jobs_are_noticed_by_change_streams_where_the_topology_has_them(string url, CheckQueuedJobsStrategy expected) =>
        Assert.Equal(expected, JobStorageExtensions.MongoJobStorageOptions(new MongoUrl(url)).CheckQueuedJobsStrategy);
}
