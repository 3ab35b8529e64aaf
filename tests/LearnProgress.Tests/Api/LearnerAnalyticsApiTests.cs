using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>Weekly stats, course estimates and heatmap levels through the HTTP API, on an injected clock.</summary>
public sealed class LearnerAnalyticsApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 20, 12, 0, 0, TimeSpan.Zero));
    private readonly LearnProgressApp _app;
    private readonly string _user = Unique.Id("u");

    public LearnerAnalyticsApiTests() => _app = new LearnProgressApp(time: _clock);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();


    /// <summary>A playback session of [from, to) in 5-second pings ending at the clock's now.</summary>
    private Task WatchAsync(HttpClient learner, string course, string lecture, int from, int to) =>
        learner.WatchAsync(Now, course, lecture, from, to);

    private void At(int month, int day, int hour, int minute = 0) => _clock.SetUtcNow(new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.Zero));

    private static List<(string Week, double Seconds, int Active, int Completed, double ChangeSeconds, int ChangeActive, int ChangeCompleted)> Weeks(JsonElement weeks) =>
        weeks.EnumerateArray().Select(w => (w.GetProperty("weekStart").GetString()!, w.GetProperty("seconds").GetDouble(), w.GetProperty("activeDays").GetInt32(),
            w.GetProperty("lecturesCompleted").GetInt32(), w.GetProperty("change").GetProperty("seconds").GetDouble(),
            w.GetProperty("change").GetProperty("activeDays").GetInt32(), w.GetProperty("change").GetProperty("lecturesCompleted").GetInt32())).ToList();

    [Fact]
    public async Task Weeks_follow_the_learners_days_across_a_DST_change_and_read_the_same_after_a_flush()
    {
        var course = await _app.CreateCourseAsync(600, 60);
        using var learner = _app.Learner(_user);
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = "America/New_York" })).EnsureSuccessStatusCode();

        At(2, 28, 15);                 // Saturday 28 February, 10:00 EST: the week before
        await WatchAsync(learner, course, "l1", 0, 120);
        At(3, 9, 3, 30);               // Sunday 8 March, 23:30 EDT (clocks went forward that morning): still the week of 2 March
        await WatchAsync(learner, course, "l1", 120, 210);
        At(3, 9, 16);                  // Monday 9 March, 12:00 EDT: completes l2
        await WatchAsync(learner, course, "l2", 0, 60);
        At(3, 10, 15);                 // Tuesday 10 March
        await WatchAsync(learner, course, "l1", 210, 270);

        var before = await learner.GetOkJsonAsync("/api/v1/stats/weekly?weeks=2");
        await _app.FlushAsync();
        var after = await learner.GetOkJsonAsync("/api/v1/stats/weekly?weeks=2");

        Assert.Equal(before.GetRawText(), after.GetRawText());
        Assert.Equal([("2026-03-02", 90.0, 1, 0, -30.0, 0, 0), ("2026-03-09", 120.0, 2, 1, 30.0, 1, 1)], Weeks(before));
        Assert.Equal(12, (await learner.GetOkJsonAsync("/api/v1/stats/weekly")).GetArrayLength());
    }

    [Fact]
    public async Task A_learner_in_UTC_plus_14_is_already_in_next_week()
    {
        var course = await _app.CreateCourseAsync(600);
        using var learner = _app.Learner(_user);
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = "Pacific/Kiritimati" })).EnsureSuccessStatusCode();
        At(3, 8, 11);                  // Sunday 11:00 UTC is Monday 9 March, 01:00 in Kiritimati

        await WatchAsync(learner, course, "l1", 0, 100);

        Assert.Equal([("2026-03-02", 0.0, 0, 0, 0.0, 0, 0), ("2026-03-09", 100.0, 1, 0, 100.0, 1, 0)],
            Weeks(await learner.GetOkJsonAsync("/api/v1/stats/weekly?weeks=2")));
    }

    [Fact]
    public async Task Weeks_start_on_the_day_the_learner_chose()
    {
        var course = await _app.CreateCourseAsync(600);
        using var learner = _app.Learner(_user);
        At(3, 8, 12);                  // Sunday 8 March
        await WatchAsync(learner, course, "l1", 0, 100);
        At(3, 10, 12);                 // Tuesday 10 March

        var put = await GetJsonAsync(await learner.PutAsJsonAsync("/api/v1/me/settings", new { weekStart = "Sunday" }));

        Assert.Equal(("UTC", "sunday"), (put.GetProperty("timeZone").GetString(), put.GetProperty("weekStart").GetString()));
        Assert.Equal([("2026-03-01", 0.0, 0, 0, 0.0, 0, 0), ("2026-03-08", 100.0, 1, 0, 100.0, 1, 0)],
            Weeks(await learner.GetOkJsonAsync("/api/v1/stats/weekly?weeks=2")));
        Assert.Equal("sunday", (await learner.GetOkJsonAsync("/api/v1/me/export")).GetProperty("settings").GetProperty("weekStart").GetString());
    }

    [Fact]
    public async Task A_bad_week_start_is_a_400_problem_and_changes_nothing_not_even_a_good_zone_beside_it()
    {
        using var learner = _app.Learner(_user);

        var problem = await (await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = "Europe/Paris", weekStart = "funday" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["weekStart"], problem.ErrorFields());
        var settings = await learner.GetOkJsonAsync("/api/v1/me/settings");
        Assert.Equal(("UTC", "monday"), (settings.GetProperty("timeZone").GetString(), settings.GetProperty("weekStart").GetString()));
    }

    private static async Task<JsonElement> GetJsonAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("53")]
    [InlineData("-1")]
    public async Task Weeks_out_of_range_are_a_400_problem(string weeks)
    {
        using var learner = _app.Learner(_user);

        var problem = await (await learner.GetAsync($"/api/v1/stats/weekly?weeks={weeks}")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["weeks"], problem.ErrorFields());
    }

    [Fact]
    public async Task Estimates_spread_the_remaining_footage_over_the_recent_pace_or_give_none_without_one()
    {
        var course = await _app.CreateCourseAsync(600, 600);
        using var learner = _app.Learner(_user);
        using var idle = _app.Learner(Unique.Id("idle"));
        At(2, 1, 12);
        await WatchAsync(idle, course, "l1", 0, 100);  // 40 days before the estimate: no recent pace
        At(3, 3, 12);
        await WatchAsync(learner, course, "l1", 0, 300);
        At(3, 13, 12);
        await WatchAsync(learner, course, "l1", 300, 600);

        var estimate = Assert.Single((await learner.GetOkJsonAsync("/api/v1/stats/course-estimates")).EnumerateArray());
        await _app.FlushAsync();
        var idleEstimate = Assert.Single((await idle.GetOkJsonAsync("/api/v1/stats/course-estimates")).EnumerateArray());

        Assert.Equal(estimate.GetRawText(), Assert.Single((await learner.GetOkJsonAsync("/api/v1/stats/course-estimates")).EnumerateArray()).GetRawText());
        // l1 complete, l2 left: 600 s; 600 s played in the last 28 days over 2 active days.
        Assert.Equal((course, 50.0, 600.0, 300.0, "2026-04-10"), (estimate.GetProperty("courseId").GetString(), estimate.GetProperty("progress").GetDouble(),
            estimate.GetProperty("remainingSeconds").GetDouble(), estimate.GetProperty("paceSecondsPerActiveDay").GetDouble(),
            estimate.GetProperty("estimatedCompletion").GetString()));
        Assert.Equal((1100.0, JsonValueKind.Null, JsonValueKind.Null), (idleEstimate.GetProperty("remainingSeconds").GetDouble(),
            idleEstimate.GetProperty("paceSecondsPerActiveDay").ValueKind, idleEstimate.GetProperty("estimatedCompletion").ValueKind));
    }

    [Fact]
    public async Task Heatmap_days_carry_a_level_from_0_to_4()
    {
        var course = await _app.CreateCourseAsync(7200);
        using var learner = _app.Learner(_user);
        var position = 0;
        foreach (var (day, seconds) in new[] { (2, 60), (3, 120), (4, 180), (5, 240), (6, 3000) })
        {
            At(3, day, 12);
            await WatchAsync(learner, course, "l1", position, position + seconds);
            position += seconds;
        }
        At(3, 7, 12);

        var days = (await learner.GetOkJsonAsync("/api/v1/progress/heatmap/data?days=7")).EnumerateArray().ToList();

        Assert.Equal([0, 1, 2, 3, 4, 4, 0], days.Select(d => d.GetProperty("level").GetInt32()));
    }
}
