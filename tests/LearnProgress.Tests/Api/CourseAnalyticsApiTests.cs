using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Core.Analytics;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>Instructor analytics through the HTTP API: roles, bad input, curves from what learners played, refresh by the job.</summary>
public sealed class CourseAnalyticsApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
    private readonly LearnProgressApp _app;

    public CourseAnalyticsApiTests() => _app = new LearnProgressApp(time: _clock);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private HttpClient Instructor() => _app.ClientFor(TestTokens.Timeless("teacher-1", "instructor"));

    private async Task WatchAsync(string user, string course, string lecture, int from, int to)
    {
        using var learner = _app.Learner(user);
        var count = (to - from) / 5;
        var pings = Enumerable.Range(1, count).Select(i => new
        {
            courseId = course, lectureId = lecture, segmentStart = from + (i - 1) * 5, watchTime = from + i * 5, sessionId = $"s{from}",
            clientTs = Now - (count - i) * 5_000L, segmentStartTs = Now - (count - i + 1) * 5_000L,
        }).ToList();
        foreach (var chunk in pings.Chunk(100))
            (await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings = chunk })).EnsureSuccessStatusCode();
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    private static double[] Curve(JsonElement analytics, int lecture) =>
        analytics.GetProperty("lectures")[lecture].GetProperty("retention").EnumerateArray().Select(p => p.GetDouble()).ToArray();

    [Fact]
    public async Task Curves_and_funnel_come_from_the_played_footage_and_follow_the_recurring_refresh()
    {
        var course = await _app.CreateCourseAsync(100, 100);
        await WatchAsync("learner-a", course, "l1", 0, 50);
        await WatchAsync("learner-b", course, "l1", 0, 100);
        await WatchAsync("learner-b", course, "l2", 0, 100);
        await WatchAsync("learner-c", course, "l1", 25, 75);
        await _app.FlushAsync();
        using var instructor = Instructor();

        var first = await GetAsync(instructor, $"/api/v1/courses/{course}/analytics");

        var l1 = first.GetProperty("lectures")[0];
        Assert.Equal(("l1", 3, 1, 0.6667), (l1.GetProperty("lectureId").GetString(), l1.GetProperty("started").GetInt32(),
            l1.GetProperty("completed").GetInt32(), l1.GetProperty("meanCoverage").GetDouble()));
        Assert.Equal((0.6667, 1.0, 0.6667, 0.3333), (Curve(first, 0)[0], Curve(first, 0)[30], Curve(first, 0)[60], Curve(first, 0)[90]));
        var funnel = first.GetProperty("funnel");
        Assert.Equal((3, 1, 1, 1, 1), (funnel.GetProperty("started").GetInt32(), funnel.GetProperty("quarter").GetInt32(),
            funnel.GetProperty("half").GetInt32(), funnel.GetProperty("threeQuarters").GetInt32(), funnel.GetProperty("completed").GetInt32()));

        // Reads answer the stored result until the recurring job recomputes it.
        await WatchAsync("learner-d", course, "l1", 90, 100);
        await _app.FlushAsync();
        Assert.Equal(first.GetRawText(), (await GetAsync(instructor, $"/api/v1/courses/{course}/analytics")).GetRawText());
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await _app.Services.GetRequiredService<CourseAnalyticsRefresher>().RefreshAllAsync() >= 1);
        var second = await GetAsync(instructor, $"/api/v1/courses/{course}/analytics");
        Assert.Equal(4, second.GetProperty("lectures")[0].GetProperty("started").GetInt32());
        Assert.Equal(0.5, Curve(second, 0)[95]);
        Assert.Equal("2026-03-10T12:05:00+00:00", second.GetProperty("computedAt").GetString());
    }

    [Fact]
    public async Task Analytics_need_the_instructor_or_admin_role_a_valid_id_and_a_known_course()
    {
        var course = await _app.CreateCourseAsync(100);
        using var anonymous = _app.ClientFor(null);
        using var learner = _app.Learner(Unique.Id("u"));
        using var admin = _app.Admin();
        using var instructor = Instructor();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/courses/{course}/analytics")).StatusCode);
        await (await learner.GetAsync($"/api/v1/courses/{course}/analytics")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/courses/{course}/analytics")).StatusCode);
        await (await instructor.GetAsync("/api/v1/courses/no-such-course/analytics")).AssertProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await instructor.GetAsync("/api/v1/courses/a%3Ab/analytics")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["courseId"], problem.ErrorFields());
    }
}
