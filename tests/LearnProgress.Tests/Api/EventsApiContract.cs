using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Core.Events;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>Events written with their cause and read back through the feed, in each storage mode.</summary>
public abstract class EventsApiContract(AppMode mode) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 4, 2, 10, 0, 0, TimeSpan.Zero));
    private LearnProgressApp _app = null!;
    private readonly string _user = Unique.Id("u");

    public async ValueTask InitializeAsync() => _app = (await mode.CreateAsync(_clock, []))!;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await mode.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private HttpClient Integration() => _app.ClientFor(TestTokens.Timeless("system-1", "integration"));

    /// <summary>Every event of the feed, paging with a small limit so the cursor is exercised.</summary>
    private static async Task<List<JsonElement>> FeedAsync(HttpClient client, int limit = 2)
    {
        var events = new List<JsonElement>();
        var after = "0";
        while (true)
        {
            var response = await client.GetAsync($"/api/v1/events?after={after}&limit={limit}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.JsonAsync();
            var items = page.GetProperty("events").EnumerateArray().ToList();
            events.AddRange(items);
            if (items.Count == 0) return events;
            after = page.GetProperty("next").GetString()!;
        }
    }

    /// <summary>The learner's events besides achievements (which AchievementsApiTests cover).</summary>
    private static List<JsonElement> Of(IEnumerable<JsonElement> events, string user) =>
        events.Where(e => e.GetProperty("data").GetProperty("userId").GetString() == user
                          && e.GetProperty("type").GetString() != EventTypes.AchievementAwarded).ToList();

    [Fact]
    public async Task Completing_the_last_lecture_writes_lecture_and_course_events_once_even_when_retried()
    {
        mode.Require();
        var course = await _app.CreateCourseAsync(300);
        using var learner = _app.Learner(_user);

        for (var i = 0; i < 3; i++)
            (await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" })).EnsureSuccessStatusCode();

        using var integration = Integration();
        var mine = Of(await FeedAsync(integration), _user);
        Assert.Equal(["lecture.completed", "course.completed"], mine.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(EventIds.For(EventTypes.LectureCompleted, _user, $"{course}/l1").ToString(), mine[0].GetProperty("id").GetString());
        Assert.Equal(EventIds.For(EventTypes.CourseCompleted, _user, course).ToString(), mine[1].GetProperty("id").GetString());
        Assert.Equal("2026-04-02T10:00:00.000Z", mine[0].GetProperty("timestamp").GetString());
        var data = mine[0].GetProperty("data");
        Assert.Equal((course, "l1", "2026-04-02"),
            (data.GetProperty("courseId").GetString(), data.GetProperty("lectureId").GetString(), data.GetProperty("day").GetString()));
        Assert.Equal(1, mine[1].GetProperty("data").GetProperty("lectures").GetInt32());
    }

    [Fact]
    public async Task A_flush_that_completes_a_lecture_writes_its_event_and_a_replayed_flush_none()
    {
        mode.Require();
        var course = await _app.CreateCourseAsync(20, 600);
        using var learner = _app.Learner(_user);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var pings = Enumerable.Range(1, 4).Select(i => new
        {
            courseId = course, lectureId = "l1", segmentStart = (i - 1) * 5, watchTime = i * 5, sessionId = "s1",
            clientTs = now - (4 - i) * 5_000L,
        }).ToArray();
        (await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings })).EnsureSuccessStatusCode();
        await _app.FlushAsync();
        using var integration = Integration();
        var afterFlush = Of(await FeedAsync(integration), _user);

        // A claim replayed after a crash: the same lecture state written again.
        var stored = (await _app.Store.ReadLecturesAsync(_user, [course]))[course]["l1"].Progress;
        var replay = RecordChange.Of(new FlushBatch(
            [new CourseProgressSnapshot(_user, course, new Dictionary<string, LectureProgress> { ["l1"] = stored })], []));
        var plan = await _app.Services.GetRequiredService<RecordWriter>().WriteAsync(replay);

        Assert.Equal(["lecture.completed"], afterFlush.Select(e => e.GetProperty("type").GetString()));
        Assert.Empty(plan.Events);
        Assert.Single(Of(await FeedAsync(integration, limit: 100), _user));
    }

    [Fact]
    public async Task A_week_that_meets_its_goal_writes_goal_met_once_and_a_replayed_flush_none()
    {
        mode.Require();
        var course = await _app.CreateCourseAsync(3_600);
        using var learner = _app.Learner(_user);
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { weeklyGoalMinutes = 2 })).EnsureSuccessStatusCode();
        async Task WatchAsync(int from, int to)
        {
            var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            var count = (to - from) / 5;
            var pings = Enumerable.Range(1, count).Select(i => new
            {
                courseId = course, lectureId = "l1", segmentStart = from + (i - 1) * 5, watchTime = from + i * 5, sessionId = $"s{now}",
                clientTs = now - (count - i) * 5_000L, segmentStartTs = now - (count - i + 1) * 5_000L,
            }).ToArray();
            (await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings })).EnsureSuccessStatusCode();
            await _app.FlushAsync();
            _clock.Advance(TimeSpan.FromMinutes(5));
        }
        using var integration = Integration();

        await WatchAsync(0, 90);
        var shortOfIt = Of(await FeedAsync(integration, limit: 100), _user);
        await WatchAsync(90, 150);
        await WatchAsync(150, 300);

        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var stored = Assert.Single(await _app.Store.ReadDaysAsync(_user, today, today));
        var replay = RecordChange.Of(new FlushBatch([], [new ActivitySnapshot(_user, new Dictionary<DateOnly, Coverage> { [today] = stored.Played })]));
        var plan = await _app.Services.GetRequiredService<RecordWriter>().WriteAsync(replay);

        Assert.Empty(shortOfIt);
        Assert.Empty(plan.Events);
        var met = Assert.Single(Of(await FeedAsync(integration, limit: 100), _user));
        Assert.Equal(EventTypes.GoalMet, met.GetProperty("type").GetString());
        Assert.Equal(EventIds.For(EventTypes.GoalMet, _user, "2026-03-30").ToString(), met.GetProperty("id").GetString());
        var data = met.GetProperty("data");
        Assert.Equal(("2026-03-30", 2, 0, 2.5), (data.GetProperty("weekStart").GetString(), data.GetProperty("goalMinutes").GetInt32(),
            data.GetProperty("goalLectures").GetInt32(), data.GetProperty("minutes").GetDouble()));
    }

    [Fact]
    public async Task A_streak_milestone_is_an_event()
    {
        mode.Require();
        using var learner = _app.Learner(_user);
        for (var day = 0; day < 3; day++)
        {
            (await learner.PostAsync("/api/v1/progress/heatmap/mark", null)).EnsureSuccessStatusCode();
            _clock.Advance(TimeSpan.FromDays(1));
        }

        using var integration = Integration();
        var milestone = Assert.Single(Of(await FeedAsync(integration, limit: 100), _user));
        Assert.Equal("streak.milestone", milestone.GetProperty("type").GetString());
        Assert.Equal(3, milestone.GetProperty("data").GetProperty("length").GetInt32());
        Assert.Equal("2026-04-04", milestone.GetProperty("data").GetProperty("day").GetString());
    }

    [Fact]
    public async Task The_feed_is_for_admins_and_integrations_only()
    {
        mode.Require();
        using var anonymous = _app.ClientFor(null);
        using var learner = _app.Learner(_user);
        using var integration = Integration();
        using var admin = _app.Admin();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.GetAsync("/api/v1/events")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/events")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/events")).StatusCode);
        // An integration token reads events, not learners' records or operations.
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.PostAsync("/api/v1/admin/flush", null)).StatusCode);
    }

    [Theory]
    [InlineData("after=abc", "after")]
    [InlineData("after=-1", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    public async Task A_bad_cursor_or_limit_is_a_problem(string query, string field)
    {
        mode.Require();
        using var integration = Integration();

        var problem = await (await integration.GetAsync($"/api/v1/events?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
    }
}

/// <summary>Embedded mode: in-process Garnet and the SQLite file's event table.</summary>
public sealed class EventsApiTests() : EventsApiContract(new EmbeddedMode());

/// <summary>Production mode: redis-server and MongoDB's events collection (skipped with the reason when no MongoDB answers).</summary>
public sealed class MongoEventsApiTests(MongoServer mongo) : EventsApiContract(new MongoMode(mongo));
