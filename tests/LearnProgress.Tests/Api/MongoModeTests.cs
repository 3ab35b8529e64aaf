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
    public async Task Instances_share_one_recurring_flush_and_flush_buckets_in_parallel_without_double_work()
    {
        fixture.Require();
        await using var second = fixture.NewInstance();
        var course = await App.CreateCourseAsync(600);
        await App.FlushAsync();
        var users = Enumerable.Range(0, 20).Select(_ => Unique.Id("u")).ToList();
        for (var i = 0; i < users.Count; i++)
        {
            using var learner = (i % 2 == 0 ? App : second).Learner(users[i]);
            (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 10 + i })).EnsureSuccessStatusCode();
        }

        var flushed = await Task.WhenAll(App.FlushAsync(), second.FlushAsync());

        // Each bucket is claimed atomically by one flusher, so every key is written exactly once between the two.
        Assert.Equal(users.Count, flushed.Sum());
        for (var i = 0; i < users.Count; i++)
            Assert.Equal(10 + i, (await second.Store.ReadProgressAsync(users[i], course))["l1"].Position);
        using var jobs = App.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.IsType<MongoStorage>(App.Services.GetRequiredService<JobStorage>());
        Assert.Single(jobs.GetRecurringJobs(), job => job.Id == FlushJob.RecurringJobId);
    }
}
