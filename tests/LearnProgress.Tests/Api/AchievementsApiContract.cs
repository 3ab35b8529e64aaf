using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Core.Events;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>Achievements awarded from the stored record, once, on the learner's day, announced as events, in each storage mode.</summary>
public abstract class AchievementsApiContract(AppMode mode) : IAsyncLifetime
{
    // 23:30 UTC on June 30 is already July 1 in Kiritimati (UTC+14).
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 30, 23, 30, 0, TimeSpan.Zero));
    private LearnProgressApp _app = null!;
    private readonly string _user = Unique.Id("u");

    public async ValueTask InitializeAsync() => _app = (await mode.CreateAsync(_clock, new()
    {
        ["Achievements:Rules:0:Id"] = "first-lecture",
        ["Achievements:Rules:0:Title"] = "First lecture completed",
        ["Achievements:Rules:0:Measure"] = "LecturesCompleted",
        ["Achievements:Rules:0:Target"] = "1",
        ["Achievements:Rules:1:Id"] = "two-lectures",
        ["Achievements:Rules:1:Title"] = "Two lectures completed",
        ["Achievements:Rules:1:Measure"] = "LecturesCompleted",
        ["Achievements:Rules:1:Target"] = "2",
        ["Achievements:Rules:2:Id"] = "first-course",
        ["Achievements:Rules:2:Title"] = "First course completed",
        ["Achievements:Rules:2:Measure"] = "CoursesCompleted",
        ["Achievements:Rules:2:Target"] = "1",
    }))!;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await mode.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<List<JsonElement>> AwardEventsAsync()
    {
        using var admin = _app.Admin();
        var feed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/events?limit=1000");
        return feed.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == EventTypes.AchievementAwarded
                        && e.GetProperty("data").GetProperty("userId").GetString() == _user).ToList();
    }

    [Fact]
    public async Task A_completion_earns_achievements_once_on_the_learners_day_with_progress_toward_the_rest()
    {
        mode.Require();
        var course = await _app.CreateCourseAsync(300);
        using var learner = _app.Learner(_user);
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = "Pacific/Kiritimati" })).EnsureSuccessStatusCode();

        (await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" })).EnsureSuccessStatusCode();
        var first = await learner.GetFromJsonAsync<JsonElement>("/api/v1/achievements");
        var again = await learner.GetFromJsonAsync<JsonElement>("/api/v1/achievements");

        Assert.Equal(first.GetRawText(), again.GetRawText());
        var earned = first.GetProperty("earned").EnumerateArray().ToList();
        Assert.Equal(["first-lecture", "first-course"], earned.Select(e => e.GetProperty("id").GetString()));
        Assert.All(earned, e => Assert.Equal("2026-07-01", e.GetProperty("day").GetString()));
        var pending = Assert.Single(first.GetProperty("progress").EnumerateArray());
        Assert.Equal(("two-lectures", 1.0, 2.0, "lecturesCompleted"), (pending.GetProperty("id").GetString(), pending.GetProperty("current").GetDouble(),
            pending.GetProperty("target").GetDouble(), pending.GetProperty("measure").GetString()));
        var events = await AwardEventsAsync();
        Assert.Equal(2, events.Count);
        Assert.Contains(events, e => e.GetProperty("id").GetString() == EventIds.For(EventTypes.AchievementAwarded, _user, "first-course").ToString());
    }

    [Fact]
    public async Task A_saved_change_is_evaluated_without_the_learner_asking()
    {
        mode.Require();
        var course = await _app.CreateCourseAsync(300, 300);
        using var learner = _app.Learner(_user);

        (await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" })).EnsureSuccessStatusCode();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<JsonElement> events;
        while ((events = await AwardEventsAsync()).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal("first-lecture", Assert.Single(events).GetProperty("data").GetProperty("achievementId").GetString());
    }

    [Fact]
    public async Task Achievements_need_a_learner_token()
    {
        mode.Require();
        using var anonymous = _app.ClientFor(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/achievements")).StatusCode);
    }
}

/// <summary>Embedded mode: the SQLite file's achievements table.</summary>
public sealed class AchievementsApiTests() : AchievementsApiContract(new EmbeddedMode());

/// <summary>Production mode: redis-server and MongoDB's achievements collection (skipped with the reason when no MongoDB answers).</summary>
public sealed class MongoAchievementsApiTests(MongoServer mongo) : AchievementsApiContract(new MongoMode(mongo));
