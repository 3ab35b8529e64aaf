using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace LearnProgress.Tests.Infrastructure;

public static class Http
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>());

    /// <summary>Asserts an RFC 7807 problem with the status; returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("LearnProgress.", body);
        return problem;
    }

    /// <summary>GETs JSON and asserts a 2xx, showing the answer when it is not one.</summary>
    public static async Task<JsonElement> GetOkJsonAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    /// <summary>A playback session of [from, to) of a lecture in 5-second pings (segments, one session) ending at
    /// <paramref name="now"/> (epoch ms), sent in batches.</summary>
    public static async Task WatchAsync(this HttpClient learner, long now, string course, string lecture, int from, int to)
    {
        var count = (to - from) / 5;
        var pings = Enumerable.Range(1, count).Select(i => new
        {
            courseId = course, lectureId = lecture, segmentStart = from + (i - 1) * 5, watchTime = from + i * 5, sessionId = $"s{now}",
            clientTs = now - (count - i) * 5_000L, segmentStartTs = now - (count - i + 1) * 5_000L,
        }).ToList();
        foreach (var chunk in pings.Chunk(100))
            (await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings = chunk })).EnsureSuccessStatusCode();
    }

    public static IEnumerable<string> ErrorFields(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name) : [];
}
