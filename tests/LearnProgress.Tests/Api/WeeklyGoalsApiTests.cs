using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>The weekly goal through the settings and weekly stats endpoints, on an injected clock.</summary>
public sealed class WeeklyGoalsApiTests : IAsyncLifetime
{
    // Wednesday 4 March 2026, 12:00 UTC; tests move it on (it cannot go back).
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly LearnProgressApp _app;
    private readonly string _user = Unique.Id("u");

    public WeeklyGoalsApiTests() => _app = new LearnProgressApp(time: _clock);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();


    /// <summary>A playback session of [from, to) in 5-second pings ending at the clock's now.</summary>
    private Task WatchAsync(HttpClient learner, string course, string lecture, int from, int to) =>
        learner.WatchAsync(Now, course, lecture, from, to);

    [Fact]
    public async Task Settings_take_a_goal_return_it_and_a_goal_field_alone_keeps_the_zone()
    {
        using var learner = _app.Learner(_user);
        var before = await learner.GetOkJsonAsync("/api/v1/me/settings");
        Assert.Equal((0, 0), (before.GetProperty("weeklyGoalMinutes").GetInt32(), before.GetProperty("weeklyGoalLectures").GetInt32()));
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = "Europe/Paris" })).EnsureSuccessStatusCode();

        var put = await (await learner.PutAsJsonAsync("/api/v1/me/settings", new { weeklyGoalMinutes = 150 })).JsonAsync();
        var lectures = await (await learner.PutAsJsonAsync("/api/v1/me/settings", new { weeklyGoalLectures = 4 })).JsonAsync();
        var read = await learner.GetOkJsonAsync("/api/v1/me/settings");

        Assert.Equal(("Europe/Paris", 150, 0), (put.GetProperty("timeZone").GetString(), put.GetProperty("weeklyGoalMinutes").GetInt32(),
            put.GetProperty("weeklyGoalLectures").GetInt32()));
        Assert.Equal(lectures.GetRawText(), read.GetRawText());
        Assert.Equal((150, 4), (read.GetProperty("weeklyGoalMinutes").GetInt32(), read.GetProperty("weeklyGoalLectures").GetInt32()));
    }

    [Theory]
    [InlineData(-1, 0, "weeklyGoalMinutes")]
    [InlineData(10_081, 0, "weeklyGoalMinutes")]
    [InlineData(0, -1, "weeklyGoalLectures")]
    [InlineData(0, 1_001, "weeklyGoalLectures")]
    public async Task A_goal_out_of_range_is_a_400_naming_the_field_and_changes_nothing(int minutes, int lectures, string field)
    {
        using var learner = _app.Learner(_user);
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = "Europe/Paris", weeklyGoalMinutes = 60, weeklyGoalLectures = 2 }))
            .EnsureSuccessStatusCode();
        var before = await learner.GetOkJsonAsync("/api/v1/me/settings");

        var problem = await (await learner.PutAsJsonAsync("/api/v1/me/settings",
            new { timeZone = "Asia/Tokyo", weekStart = "sunday", weeklyGoalMinutes = minutes, weeklyGoalLectures = lectures }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
        Assert.Equal(before.GetRawText(), (await learner.GetOkJsonAsync("/api/v1/me/settings")).GetRawText());
    }

    [Fact]
    public async Task Weekly_stats_carry_each_weeks_goal_and_progress_and_a_mid_week_change_holds_for_that_week_only()
    {
        var course = await _app.CreateCourseAsync(3_600, 60);
        using var learner = _app.Learner(_user);
        // Set in the week of 2 March: 2 minutes and no lecture target.
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { weeklyGoalMinutes = 2 })).EnsureSuccessStatusCode();
        await WatchAsync(learner, course, "l1", 0, 180);
        // Wednesday 11 March: raised to 10 minutes and a lecture; 5 minutes played and one lecture completed.
        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 12, 0, 0, TimeSpan.Zero));
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { weeklyGoalMinutes = 10, weeklyGoalLectures = 1 })).EnsureSuccessStatusCode();
        await WatchAsync(learner, course, "l1", 180, 420);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await WatchAsync(learner, course, "l2", 0, 60);

        var before = await learner.GetOkJsonAsync("/api/v1/stats/weekly?weeks=3");
        await _app.FlushAsync();
        var after = await learner.GetOkJsonAsync("/api/v1/stats/weekly?weeks=3");

        Assert.Equal(before.GetRawText(), after.GetRawText());
        var weeks = before.EnumerateArray().ToList();
        Assert.Equal(["2026-02-23", "2026-03-02", "2026-03-09"], weeks.Select(w => w.GetProperty("weekStart").GetString()));
        Assert.Equal(JsonValueKind.Null, weeks[0].GetProperty("goal").ValueKind);
        var past = weeks[1].GetProperty("goal");
        Assert.Equal((2, 0, 3.0, true, 0.0, JsonValueKind.Null), (past.GetProperty("goalMinutes").GetInt32(), past.GetProperty("goalLectures").GetInt32(),
            past.GetProperty("minutes").GetDouble(), past.GetProperty("met").GetBoolean(), past.GetProperty("minutesLeft").GetDouble(),
            past.GetProperty("daysLeft").ValueKind));
        var current = weeks[2].GetProperty("goal");
        Assert.Equal((10, 1, 5.0, 1, false, 5.0, 0, 5), (current.GetProperty("goalMinutes").GetInt32(), current.GetProperty("goalLectures").GetInt32(),
            current.GetProperty("minutes").GetDouble(), current.GetProperty("lectures").GetInt32(), current.GetProperty("met").GetBoolean(),
            current.GetProperty("minutesLeft").GetDouble(), current.GetProperty("lecturesLeft").GetInt32(), current.GetProperty("daysLeft").GetInt32()));
    }

    [Fact]
    public async Task Days_left_follow_the_learners_zone_and_week_start()
    {
        using var learner = _app.Learner(_user);
        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 12, 0, 0, TimeSpan.Zero));
        // 12:00 UTC on Wednesday 11 March is already Thursday 01:00 in Pacific/Kiritimati (UTC+14).
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = "Pacific/Kiritimati", weekStart = "sunday", weeklyGoalLectures = 3 }))
            .EnsureSuccessStatusCode();

        var week = (await learner.GetOkJsonAsync("/api/v1/stats/weekly?weeks=1"))[0];

        Assert.Equal("2026-03-08", week.GetProperty("weekStart").GetString());
        Assert.Equal((3, 3, 0.0), (week.GetProperty("goal").GetProperty("daysLeft").GetInt32(), week.GetProperty("goal").GetProperty("lecturesLeft").GetInt32(),
            week.GetProperty("goal").GetProperty("minutesLeft").GetDouble()));
    }
}
