using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Core.Events;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

/// <summary>The embedded service as a real process: an event committed with its cause survives kill -9 and is delivered once.</summary>
public sealed class EventCrashTests
{
    private static readonly string[] LectureOnly = [EventTypes.LectureCompleted];

    [Fact]
    public async Task A_completion_killed_before_its_delivery_is_delivered_after_the_restart_once()
    {
        using var data = new TempDirectory();
        var course = Unique.Id("c");
        var user = Unique.Id("u");
        var port = RedisServer.FreePort();
        var settings = new Dictionary<string, string>
        {
            ["Webhooks__AllowPrivateNetworks"] = "true",
            ["Webhooks__PollInterval"] = "00:00:00.500",
            // A delivery leased by the killed process waits out its lease (timeout + 5 s) before the next one takes it.
            ["Webhooks__Timeout"] = "00:00:02",
        };

        await using (var first = await ServiceProcess.StartAsync(data.Path, settings))
        {
            using var admin = first.Client(TestTokens.Admin());
            (await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "Crash course" })).EnsureSuccessStatusCode();
            foreach (var lecture in new[] { "l1", "l2" })
                (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/{lecture}", new { title = lecture, durationSeconds = 600 })).EnsureSuccessStatusCode();
            // Nothing listens on the port yet: whatever the dispatcher manages before the kill, it cannot deliver.
            (await admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = $"http://127.0.0.1:{port}/hook", eventTypes = LectureOnly })).EnsureSuccessStatusCode();
            using var learner = first.Client(TestTokens.Learner(user));
            (await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" })).EnsureSuccessStatusCode();
            first.Kill();
        }

        await using var receiver = await WebhookReceiver.StartAsync(port);
        await using var second = await ServiceProcess.StartAsync(data.Path, settings);
        using var retrying = second.Client(TestTokens.Learner(user));
        // The client never saw an answer it trusted, so it sends the completion again.
        (await retrying.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" })).EnsureSuccessStatusCode();

        var expected = EventIds.For(EventTypes.LectureCompleted, user, $"{course}/l1").ToString();
        var delivered = await receiver.WaitForAsync(1, TimeSpan.FromSeconds(30));
        await Task.Delay(1_500);
        Assert.Equal([expected], receiver.Requests.Select(r => r.Id));
        Assert.Equal(expected, delivered[0].Id);
        using var integration = second.Client(TestTokens.Admin());
        var feed = await integration.GetFromJsonAsync<JsonElement>("/api/v1/events?limit=1000");
        Assert.Equal([expected], feed.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("data").GetProperty("userId").GetString() == user && e.GetProperty("type").GetString() == EventTypes.LectureCompleted)
            .Select(e => e.GetProperty("id").GetString()));
    }
}
