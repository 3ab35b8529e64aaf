using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LearnProgress.Core;
using LearnProgress.Mongo;
using LearnProgress.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;

namespace LearnProgress.Tests.Api;

/// <summary>
/// Production mode against a replica set that does not confirm the store's writes: the store's writes ask for w:2, which
/// a single-node replica set answers with a writeConcernError at once, as a primary whose majority timed out does.
/// That is the store being unavailable, never the data's fault: a 503 with Retry-After, and a flush that fails whole.
/// </summary>
public sealed class MongoStoreFaultTests(MongoAppFixture fixture, MongoServer server) : IClassFixture<MongoAppFixture>
{
    private void Require()
    {
        fixture.Require();
        server.RequireReplicaSet();
    }

    /// <summary>Another instance on the same Redis and database whose store's writes no majority confirms.</summary>
    private WebApplicationFactory<Program> Unconfirmed() => fixture.App.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
        services.AddSingleton<IProgressStore>(sp =>
            new MongoProgressStore(sp.GetRequiredService<IMongoDatabase>(), new WriteConcern(2, wTimeout: TimeSpan.FromSeconds(5))))));

    private static HttpClient Client(WebApplicationFactory<Program> app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task A_write_through_call_no_majority_confirms_answers_503_with_retry_after()
    {
        Require();
        var course = await fixture.App.CreateCourseAsync(600);
        await using var app = Unconfirmed();
        using var learner = Client(app, TestTokens.Timeless(Unique.Id("u")));

        // A mark's first write is a bulk write; a completion's first is the events' numbering (findAndModify).
        await AssertUnavailableAsync(await learner.PostAsync("/api/v1/progress/heatmap/mark", null));
        await AssertUnavailableAsync(await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" }));
    }

    [Fact]
    public async Task A_flush_no_majority_confirms_fails_whole_holds_no_learner_back_and_keeps_every_ping()
    {
        Require();
        var course = await fixture.App.CreateCourseAsync(600);
        var users = Enumerable.Range(0, 10).Select(_ => Unique.Id("u")).ToList();
        await using var app = Unconfirmed();
        foreach (var user in users)
        {
            using var learner = Client(app, TestTokens.Timeless(user));
            (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 7 })).EnsureSuccessStatusCode();
        }

        using var admin = Client(app, TestTokens.Timeless("admin-1", "admin"));
        var refused = await admin.PostAsync("/api/v1/admin/flush", null);

        await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(0, await fixture.App.Buffer.CountHeldAsync(TestContext.Current.CancellationToken));
        Assert.True(await fixture.App.FlushAsync() >= users.Count);
        foreach (var user in users)
            Assert.Equal(7, (await fixture.App.Record.ReadProgressAsync(user, course))["l1"].Position);
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "A 503 must say when to retry.");
    }
}
