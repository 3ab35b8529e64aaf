using LearnProgress.Client;
using LearnProgress.Client.Api;
using LearnProgress.Client.Api.Models;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

/// <summary>
/// The typed client generated from the service's own OpenAPI document, against the real API: its document is the
/// running one, and a ping, a batch with rejections, a read and the problems come through typed.
/// </summary>
public sealed class ClientTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private LearnProgressApp App => fixture.App;

    private static string DocumentPath => Path.Combine(Repository.Root, "src", "LearnProgress.Client", "openapi.json");

    private static LearnProgressApiClient ClientFor(LearnProgressApp app, string token, int maxRetries = 0)
    {
        var http = app.CreateDefaultClient(LearnProgressClient.Handlers(maxRetries).ToArray());
        return LearnProgressClient.Create(http, _ => Task.FromResult(token));
    }

    [Fact]
    public async Task The_client_is_generated_from_the_document_the_service_serves()
    {
        using var anonymous = App.ClientFor(null);
        var served = await anonymous.GetStringAsync("/swagger/v1/swagger.json");
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1") await File.WriteAllTextAsync(DocumentPath, served);
        var committed = await File.ReadAllTextAsync(DocumentPath);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(served), System.Text.Json.Nodes.JsonNode.Parse(committed)),
            "src/LearnProgress.Client/openapi.json differs from the served document: run this test with UPDATE_OPENAPI=1 and commit the file.");
    }

    [Fact]
    public async Task A_ping_a_batch_and_a_read_come_through_typed()
    {
        var course = await App.CreateCourseAsync(600, 300);
        var learner = Unique.Id("u");
        var client = ClientFor(App, TestTokens.Learner(learner));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var saved = await client.Api.V1.Progress.Save.PostAsync(new PingRequest { CourseId = course, LectureId = "l1", WatchTime = 42, ClientTs = now - 5000 });
        Assert.NotNull(saved);

        var batch = await client.Api.V1.Progress.Batch.PostAsync(new BatchRequest
        {
            Pings =
            [
                new PingRequest { CourseId = course, LectureId = "l2", WatchTime = 10, ClientTs = now - 4000 },
                new PingRequest { CourseId = course, LectureId = "l9", WatchTime = 10, ClientTs = now - 3000 },
                new PingRequest { CourseId = course, LectureId = "l2", WatchTime = 301, ClientTs = now - 2000 },
            ],
        });
        Assert.Equal(1, batch!.Accepted);
        Assert.Equal([1, 2], batch.Rejected!.Select(r => r.Index!.Value).Order());
        Assert.Contains("lectureId", batch.Rejected!.Single(r => r.Index == 1).Errors!.AdditionalData.Keys);
        Assert.Contains("watchTime", batch.Rejected!.Single(r => r.Index == 2).Errors!.AdditionalData.Keys);

        var progress = await client.Api.V1.Progress[course].GetAsync();
        Assert.Equal(course, progress!.CourseId);
        Assert.Equal("l2", progress.LastWatchedLecture);
        var watched = progress.WatchTimes!.AdditionalData["l1"];
        Assert.True(watched is IConvertible, $"watchTimes.l1 is a {watched.GetType()}");
        Assert.Equal(42, Convert.ToDouble(watched, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("l1", progress.Lectures!.AdditionalData.Keys);
    }

    [Fact]
    public async Task Problems_arrive_as_typed_exceptions_with_their_fields()
    {
        var course = await App.CreateCourseAsync(600);
        var client = ClientFor(App, TestTokens.Learner(Unique.Id("u")));

        var invalid = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() =>
            client.Api.V1.Progress.Save.PostAsync(new PingRequest { CourseId = course, LectureId = "l1", WatchTime = -1 }));
        Assert.Equal(400, invalid.ResponseStatusCode);
        Assert.Contains("watchTime", invalid.Errors!.AdditionalData.Keys);

        var unknown = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() =>
            client.Api.V1.Progress.Save.PostAsync(new PingRequest { CourseId = Unique.Id("c"), LectureId = "l1", WatchTime = 1 }));
        Assert.Equal(404, unknown.Status);
        Assert.Contains("courseId", unknown.Errors!.AdditionalData.Keys);

        var anonymous = ClientFor(App, "not-a-token");
        var refused = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() => anonymous.Api.V1.Progress[course].GetAsync());
        Assert.Equal(401, refused.ResponseStatusCode);
    }

    [Fact]
    public async Task A_429_is_retried_after_its_Retry_After_and_without_retries_it_is_a_typed_problem()
    {
        await using var app = new LearnProgressApp(settings: new()
        {
            ["RateLimiting:PingBurst"] = "1",
            ["RateLimiting:PingTokensPerSecond"] = "1",
        });
        var course = await app.CreateCourseAsync(600);
        var learner = TestTokens.Learner(Unique.Id("u"));

        var impatient = ClientFor(app, learner);
        // One token a second: of five pings in a row at most two find one, whenever the bucket refills.
        var limits = new List<HttpValidationProblemDetails>();
        for (var i = 0; i < 5; i++)
        {
            try { await impatient.Api.V1.Progress.Save.PostAsync(new PingRequest { CourseId = course, LectureId = "l1", WatchTime = i + 1 }); }
            catch (HttpValidationProblemDetails problem) { limits.Add(problem); }
        }
        var limited = Assert.IsType<HttpValidationProblemDetails>(limits.FirstOrDefault());
        Assert.Equal(429, limited.ResponseStatusCode);
        Assert.True(limited.ResponseHeaders.ContainsKey("Retry-After"));

        var patient = ClientFor(app, learner, maxRetries: 3);
        for (var i = 6; i < 9; i++)
            Assert.NotNull(await patient.Api.V1.Progress.Save.PostAsync(new PingRequest { CourseId = course, LectureId = "l1", WatchTime = i }));
        var read = await patient.Api.V1.Progress[course].GetAsync();
        Assert.NotNull(read!.Lectures!.AdditionalData["l1"]);
    }
}
