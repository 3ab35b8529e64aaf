using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>Learning patterns through the HTTP API, from pings on an injected clock.</summary>
public sealed class LearningPatternsApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly LearnProgressApp _app;
    private readonly string _user = Unique.Id("u");

    public LearningPatternsApiTests() => _app = new LearnProgressApp(time: _clock);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private void At(int month, int day, int hour, int minute = 0) => _clock.SetUtcNow(new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.Zero));



    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [Fact]
    public async Task Patterns_place_play_in_the_learners_hours_and_weekdays_and_read_the_same_before_and_after_a_flush()
    {
        var course = await _app.CreateCourseAsync(3600, 3600);
        using var learner = _app.Learner(_user);
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = "Europe/Paris" })).EnsureSuccessStatusCode();

        At(3, 3, 9, 10);               // Tuesday 3 March, 10:00–10:10 in Paris
        await learner.WatchAsync(Now, course, "l1", 0, 600);
        await _app.FlushAsync();
        At(3, 3, 9, 35);               // 10:30–10:35: 20 minutes later, the same session
        await learner.WatchAsync(Now, course, "l1", 600, 900);
        At(3, 5, 19, 0);               // Thursday 5 March, 19:55–20:00 in Paris
        await learner.WatchAsync(Now, course, "l2", 0, 300);
        At(3, 12, 12);                 // Thursday 12 March: the 14-day window touches three weeks, one of them active

        var before = await learner.GetOkJsonAsync("/api/v1/stats/patterns?days=14");
        await _app.FlushAsync();
        var after = await learner.GetOkJsonAsync("/api/v1/stats/patterns?days=14");

        Assert.Equal(before.GetRawText(), after.GetRawText());
        var hours = Numbers(before.GetProperty("hours"));
        Assert.Equal(24, hours.Length);
        Assert.Equal((900.0, 300.0, 1200.0), (hours[10], hours[19], hours.Sum()));
        Assert.Equal([0, 900, 0, 300, 0, 0, 0], Numbers(before.GetProperty("weekdays")));
        Assert.Equal([10], before.GetProperty("peakHours").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["tuesday"], before.GetProperty("peakDays").EnumerateArray().Select(e => e.GetString()));
        var sessions = before.GetProperty("sessions");
        // 10:00–10:35 (2100 s) and 19:55–20:00 (300 s).
        Assert.Equal((2, 1200.0, 1200.0), (sessions.GetProperty("count").GetInt32(), sessions.GetProperty("meanSeconds").GetDouble(),
            sessions.GetProperty("medianSeconds").GetDouble()));
        Assert.Equal(0.333, before.GetProperty("consistency").GetDouble());
        Assert.Equal(0, (await learner.GetOkJsonAsync("/api/v1/stats/patterns?days=5")).GetProperty("hours").EnumerateArray().Sum(e => e.GetDouble()));
        Assert.Equal(1200, Numbers((await learner.GetOkJsonAsync("/api/v1/stats/patterns")).GetProperty("hours")).Sum());
    }

    [Fact]
    public async Task Another_learners_play_is_not_in_the_callers_patterns()
    {
        var course = await _app.CreateCourseAsync(600);
        using var other = _app.Learner(Unique.Id("other"));
        using var learner = _app.Learner(_user);
        await other.WatchAsync(Now, course, "l1", 0, 300);

        var patterns = await learner.GetOkJsonAsync("/api/v1/stats/patterns?days=1");

        Assert.Equal(0, Numbers(patterns.GetProperty("hours")).Sum());
        Assert.Equal(0, patterns.GetProperty("sessions").GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("366")]
    [InlineData("-5")]
    public async Task Days_out_of_range_are_a_400_problem(string days)
    {
        using var learner = _app.Learner(_user);

        var problem = await (await learner.GetAsync($"/api/v1/stats/patterns?days={days}")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["days"], problem.ErrorFields());
    }

    [Fact]
    public async Task Patterns_need_a_token()
    {
        using var anonymous = _app.ClientFor(null);

        await (await anonymous.GetAsync("/api/v1/stats/patterns")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
