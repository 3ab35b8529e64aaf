using System.Net.Http.Json;
using Hangfire;
using Hangfire.Mongo;
using Hangfire.Storage;
using LearnProgress.Api.Operations;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LearnProgress.Tests.Api;

/// <summary>The progress API contract in production mode: Redis buffer, MongoDB store, Hangfire on MongoDB.</summary>
public sealed class MongoProgressApiTests(MongoAppFixture fixture) : ProgressApiContract, IClassFixture<MongoAppFixture>
{
    protected override LearnProgressApp App => fixture.App;
    protected override void RequireServer() => fixture.Require();

    [Fact]
    public async Task Instances_share_the_buffer_the_store_and_one_recurring_flush()
    {
        fixture.Require();
        await using var second = fixture.NewInstance();
        var course = await App.CreateCourseAsync(600);
        var users = Enumerable.Range(0, 20).Select(_ => Unique.Id("u")).ToList();
        for (var i = 0; i < users.Count; i++)
        {
            using var learner = (i % 2 == 0 ? App : second).Learner(users[i]);
            (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 10 + i })).EnsureSuccessStatusCode();
        }

        // Flushes racing on one bucket may both write a claim; the writes are idempotent, so the store ends the same.
        var flushed = await Task.WhenAll(App.FlushAsync(), second.FlushAsync());

        Assert.True(flushed.Sum() >= users.Count);
        for (var i = 0; i < users.Count; i++)
            Assert.Equal(10 + i, (await second.Record.ReadProgressAsync(users[i], course))["l1"].Position);
        var storage = App.Services.GetRequiredService<JobStorage>();
        Assert.IsType<MongoStorage>(storage);
        using var jobs = storage.GetConnection();
        Assert.Single(jobs.GetRecurringJobs(), job => job.Id == FlushJob.RecurringJobId);
    }
}
