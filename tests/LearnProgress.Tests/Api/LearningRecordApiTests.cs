using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Api.Progress;
using LearnProgress.Core.Progress;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>Completion, heatmap, streaks and dashboard through the HTTP API, on an injected clock.</summary>
public sealed class LearningRecordApiTests : IAsyncLifetime
{
    // Late January: a month end is near. The clock only moves forward, so it starts before every test's dates.
    private static readonly DateTimeOffset January31 = new(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 20, 12, 0, 0, TimeSpan.Zero));
    private readonly LearnProgressApp _app;
    private readonly string _user = Unique.Id("u");
    private readonly List<LectureCompleted> _events = [];

    public LearningRecordApiTests() => _app = new LearnProgressApp(time: _clock);

    public ValueTask InitializeAsync()
    {
        _app.Services.GetRequiredService<CompletionEvents>().Completed += e => { lock (_events) _events.Add(e); };
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();
    private List<LectureCompleted> EventsFor(string user) { lock (_events) return _events.Where(e => e.UserId == user).ToList(); }


    /// <summary>A playback session watching [from, to) in 5-second pings that end at the clock's now.</summary>
    private async Task WatchAsync(HttpClient learner, string course, string lecture, int from, int to, string session)
    {
        var pings = new List<object>();
        var count = (to - from) / 5;
        for (var i = 1; i <= count; i++)
            pings.Add(new
            {
                courseId = course, lectureId = lecture, segmentStart = from + (i - 1) * 5, watchTime = from + i * 5, sessionId = session,
                clientTs = Now - (count - i) * 5_000L, segmentStartTs = Now - (count - i + 1) * 5_000L,
            });
        foreach (var chunk in pings.Chunk(100))
            (await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings = chunk })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Completing_a_lecture_is_written_through_idempotent_and_raises_one_event()
    {
        _clock.SetUtcNow(January31);
        var course = await _app.CreateCourseAsync(600, 600);
        using var learner = _app.Learner(_user);

        var first = await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" });
        var second = await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("completed", (await first.JsonAsync()).GetProperty("message").GetString());
        Assert.Single(EventsFor(_user));
        var progress = await learner.GetOkJsonAsync($"/api/v1/progress/{course}");
        Assert.Equal(["l1"], progress.GetProperty("completedLectures").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(50.0, progress.GetProperty("completionPercentage").GetDouble());
        var stats = await learner.GetOkJsonAsync("/api/v1/stats/student");
        Assert.Equal((1, 1), (stats.GetProperty("totalCompleted").GetInt32(), stats.GetProperty("currentStreak").GetInt32()));
        var today = (await learner.GetOkJsonAsync("/api/v1/progress/heatmap/data?days=1"))[0];
        Assert.Equal(("2026-01-31", 1), (today.GetProperty("date").GetString(), today.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task Completing_an_unknown_lecture_is_a_404_and_changes_nothing()
    {
        var course = await _app.CreateCourseAsync(600);
        using var learner = _app.Learner(_user);

        var response = await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l9" });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(EventsFor(_user));
        Assert.Equal(0, (await learner.GetOkJsonAsync("/api/v1/stats/student")).GetProperty("totalCompleted").GetInt32());
    }

    [Fact]
    public async Task Watching_90_percent_completes_the_lecture_before_and_after_the_flush_and_counts_once()
    {
        var course = await _app.CreateCourseAsync(100, 100);
        using var learner = _app.Learner(_user);

        await WatchAsync(learner, course, "l1", 0, 90, "play-1");

        var before = await learner.GetOkJsonAsync($"/api/v1/progress/{course}");
        var lecture = before.GetProperty("lectures").GetProperty("l1");
        Assert.Equal((0.9, true), (lecture.GetProperty("coverage").GetDouble(), lecture.GetProperty("completed").GetBoolean()));
        Assert.Equal(50.0, before.GetProperty("completionPercentage").GetDouble());

        await _app.FlushAsync();
        await _app.FlushAsync();

        var after = await learner.GetOkJsonAsync($"/api/v1/progress/{course}");
        Assert.Equal(before.GetRawText(), after.GetRawText());
        Assert.Single(EventsFor(_user));
        var stats = await learner.GetOkJsonAsync("/api/v1/stats/student");
        Assert.Equal(1, stats.GetProperty("totalCompleted").GetInt32());
        Assert.Equal(90, stats.GetProperty("totalWatchSeconds").GetDouble());
        var course1 = Assert.Single((await learner.GetOkJsonAsync("/api/v1/stats/course-progress")).EnumerateArray());
        Assert.Equal((course, 50.0), (course1.GetProperty("courseId").GetString(), course1.GetProperty("progress").GetDouble()));
    }

    [Fact]
    public async Task The_simplest_player_pinging_every_5_seconds_through_a_lecture_completes_it_and_counts_the_day()
    {
        _clock.SetUtcNow(January31);
        var course = await _app.CreateCourseAsync(120, 120);
        using var learner = _app.Learner(_user);

        // Only {courseId, lectureId, watchTime}, every 5 s while playing: the server's clock stamps each ping.
        for (var at = 5; at <= 120; at += 5)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            var saved = await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = at });
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        var before = await FiguresAsync(learner, course);
        var lecture = (await learner.GetOkJsonAsync($"/api/v1/progress/{course}")).GetProperty("lectures").GetProperty("l1");
        Assert.Equal((1.0, true), (lecture.GetProperty("coverage").GetDouble(), lecture.GetProperty("completed").GetBoolean()));
        var today = (await learner.GetOkJsonAsync("/api/v1/progress/heatmap/data?days=1"))[0];
        Assert.Equal(("2026-01-31", 120.0, 1), (today.GetProperty("date").GetString(), today.GetProperty("seconds").GetDouble(), today.GetProperty("count").GetInt32()));
        var stats = await learner.GetOkJsonAsync("/api/v1/stats/student");
        Assert.Equal((1, 1, 120.0), (stats.GetProperty("totalCompleted").GetInt32(), stats.GetProperty("currentStreak").GetInt32(), stats.GetProperty("totalWatchSeconds").GetDouble()));

        await _app.FlushAsync();
        Assert.Equal(before, await FiguresAsync(learner, course));
        Assert.Single(EventsFor(_user));
    }

    [Fact]
    public async Task The_simplest_player_that_only_seeks_does_not_complete_a_lecture()
    {
        _clock.SetUtcNow(January31);
        var course = await _app.CreateCourseAsync(45, 600);
        using var learner = _app.Learner(_user);

        // One jump to the end of a 45 s lecture, and seeks across a 10-minute one, each 5 s apart.
        (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 45 })).EnsureSuccessStatusCode();
        foreach (var at in new[] { 100, 200, 300, 400, 500, 600 })
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l2", watchTime = at })).EnsureSuccessStatusCode();
        }

        var lectures = (await learner.GetOkJsonAsync($"/api/v1/progress/{course}")).GetProperty("lectures");
        Assert.InRange(lectures.GetProperty("l1").GetProperty("coverage").GetDouble(), 0.666, 0.667);   // 30 s of 45
        Assert.False(lectures.GetProperty("l1").GetProperty("completed").GetBoolean());
        Assert.Equal((0.3, false), (lectures.GetProperty("l2").GetProperty("coverage").GetDouble(), lectures.GetProperty("l2").GetProperty("completed").GetBoolean()));
        await _app.FlushAsync();
        Assert.Empty(EventsFor(_user));
    }

    /// <summary>Every figure the learner can read, as the API answers it.</summary>
    private static async Task<string> FiguresAsync(HttpClient learner, string course) => string.Join("\n",
        (await learner.GetOkJsonAsync($"/api/v1/progress/{course}")).GetRawText(),
        (await learner.GetOkJsonAsync("/api/v1/progress/heatmap/data?days=3")).GetRawText(),
        (await learner.GetOkJsonAsync("/api/v1/stats/student")).GetRawText(),
        (await learner.GetOkJsonAsync("/api/v1/stats/course-progress")).GetRawText());

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pings_shuffled_with_duplicates_give_every_figure_that_pings_in_order_give(bool timed)
    {
        var course = await _app.CreateCourseAsync(300, 300);
        var pings = Enumerable.Range(1, 60).Select(i => (object)new
        {
            courseId = course, lectureId = "l1", segmentStart = (i - 1) * 5, watchTime = i * 5, sessionId = "s",
            clientTs = Now - (60 - i) * 5_000L, segmentStartTs = timed ? Now - (61 - i) * 5_000L : (long?)null,
        }).ToList();
        var random = new Random(60);
        var messy = pings.Concat(pings.OrderBy(_ => random.Next()).Take(20)).OrderBy(_ => random.Next()).ToList();
        using var inOrder = _app.Learner(Unique.Id("u"));
        using var shuffled = _app.Learner(Unique.Id("u"));
        foreach (var chunk in pings.Chunk(10))
            (await inOrder.PostAsJsonAsync("/api/v1/progress/batch", new { pings = chunk })).EnsureSuccessStatusCode();
        foreach (var chunk in messy.Chunk(7))
            (await shuffled.PostAsJsonAsync("/api/v1/progress/batch", new { pings = chunk })).EnsureSuccessStatusCode();

        var expected = await FiguresAsync(inOrder, course);
        Assert.Equal(expected, await FiguresAsync(shuffled, course));
        var lecture = (await shuffled.GetOkJsonAsync($"/api/v1/progress/{course}")).GetProperty("lectures").GetProperty("l1");
        Assert.Equal((1.0, true), (lecture.GetProperty("coverage").GetDouble(), lecture.GetProperty("completed").GetBoolean()));
        Assert.Equal(300, (await shuffled.GetOkJsonAsync("/api/v1/stats/student")).GetProperty("totalWatchSeconds").GetDouble());

        await _app.FlushAsync();
        Assert.Equal(expected, await FiguresAsync(inOrder, course));
        Assert.Equal(expected, await FiguresAsync(shuffled, course));
    }

    [Fact]
    public async Task Every_figure_reads_the_same_before_and_after_the_flush_that_stores_it()
    {
        var course = await _app.CreateCourseAsync(100, 100);
        using var learner = _app.Learner(_user);
        (await learner.PostAsync("/api/v1/progress/heatmap/mark", null)).EnsureSuccessStatusCode();
        await WatchAsync(learner, course, "l1", 0, 95, "play-1");

        var before = await FiguresAsync(learner, course);
        await _app.FlushAsync();
        var after = await FiguresAsync(learner, course);

        Assert.Equal(before, after);
        var stats = await learner.GetOkJsonAsync("/api/v1/stats/student");
        Assert.Equal((1, 95.0, 1), (stats.GetProperty("totalCompleted").GetInt32(), stats.GetProperty("totalWatchSeconds").GetDouble(),
            stats.GetProperty("currentStreak").GetInt32()));
        var today = (await learner.GetOkJsonAsync("/api/v1/progress/heatmap/data?days=1"))[0];
        Assert.Equal(2, today.GetProperty("count").GetInt32());   // the mark and the completion
        Assert.Equal(50.0, (await learner.GetOkJsonAsync("/api/v1/stats/course-progress"))[0].GetProperty("progress").GetDouble());
        Assert.Single(EventsFor(_user));
    }

    [Fact]
    public async Task Two_tabs_playing_at_once_count_their_shared_time_once()
    {
        var course = await _app.CreateCourseAsync(300, 300);
        using var learner = _app.Learner(_user);
        foreach (var (lecture, tab) in new[] { ("l1", "tab-1"), ("l2", "tab-2") })
            await WatchAsync(learner, course, lecture, 0, 60, tab);

        var stats = await learner.GetOkJsonAsync("/api/v1/stats/student");
        Assert.Equal(60, stats.GetProperty("totalWatchSeconds").GetDouble());
        var progress = (await learner.GetOkJsonAsync($"/api/v1/progress/{course}")).GetProperty("lectures");
        Assert.Equal((0.2, 0.2), (progress.GetProperty("l1").GetProperty("coverage").GetDouble(), progress.GetProperty("l2").GetProperty("coverage").GetDouble()));
    }

    [Fact]
    public async Task A_mark_retried_with_its_idempotency_key_counts_once_and_a_bad_key_changes_nothing()
    {
        using var learner = _app.Learner(_user);
        async Task<HttpResponseMessage> MarkAsync(string? key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/progress/heatmap/mark");
            if (key is not null) request.Headers.Add("Idempotency-Key", key);
            return await learner.SendAsync(request);
        }

        (await MarkAsync("tap-7f3a")).EnsureSuccessStatusCode();
        (await MarkAsync("tap-7f3a")).EnsureSuccessStatusCode();
        await (await MarkAsync("not a key")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(1, (await learner.GetOkJsonAsync("/api/v1/progress/heatmap/data?days=1"))[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Seeking_to_the_end_does_not_complete()
    {
        var course = await _app.CreateCourseAsync(600);
        using var learner = _app.Learner(_user);

        await WatchAsync(learner, course, "l1", 0, 10, "s");
        (await learner.PostAsJsonAsync("/api/v1/progress/save",
            new { courseId = course, lectureId = "l1", segmentStart = 595, watchTime = 600, sessionId = "s", clientTs = Now + 1_000 })).EnsureSuccessStatusCode();
        await _app.FlushAsync();

        var lecture = (await learner.GetOkJsonAsync($"/api/v1/progress/{course}")).GetProperty("lectures").GetProperty("l1");
        Assert.False(lecture.GetProperty("completed").GetBoolean());
        Assert.Equal(600, lecture.GetProperty("furthest").GetDouble());
        Assert.Empty(EventsFor(_user));
    }

    [Fact]
    public async Task A_ping_claiming_more_footage_than_its_segment_time_allows_does_not_complete()
    {
        var course = await _app.CreateCourseAsync(600);
        using var learner = _app.Learner(_user);

        await WatchAsync(learner, course, "l1", 0, 10, "s");
        (await learner.PostAsJsonAsync("/api/v1/progress/save",
            new { courseId = course, lectureId = "l1", segmentStart = 10, watchTime = 600, sessionId = "s", clientTs = Now + 10_000, segmentStartTs = Now })).EnsureSuccessStatusCode();

        var lecture = (await learner.GetOkJsonAsync($"/api/v1/progress/{course}")).GetProperty("lectures").GetProperty("l1");
        Assert.False(lecture.GetProperty("completed").GetBoolean());
        Assert.InRange(lecture.GetProperty("coverage").GetDouble(), 0.04, 0.06);  // 10 s watched + 20 s allowed of 600
    }

    [Fact]
    public async Task Removing_a_lecture_changes_the_percentage_at_once()
    {
        var course = await _app.CreateCourseAsync(600, 600, 600);
        using var learner = _app.Learner(_user);
        await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" });
        Assert.Equal(33.3, (await learner.GetOkJsonAsync($"/api/v1/progress/{course}")).GetProperty("completionPercentage").GetDouble());
        using var admin = _app.Admin();

        (await admin.DeleteAsync($"/api/v1/courses/{course}/lectures/l3")).EnsureSuccessStatusCode();
        Assert.Equal(50.0, (await learner.GetOkJsonAsync($"/api/v1/progress/{course}")).GetProperty("completionPercentage").GetDouble());
        Assert.Equal(50.0, (await learner.GetOkJsonAsync("/api/v1/stats/course-progress"))[0].GetProperty("progress").GetDouble());

        (await admin.DeleteAsync($"/api/v1/courses/{course}/lectures/l1")).EnsureSuccessStatusCode();
        var progress = await learner.GetOkJsonAsync($"/api/v1/progress/{course}");
        Assert.Equal(0.0, progress.GetProperty("completionPercentage").GetDouble());
        Assert.Empty(progress.GetProperty("completedLectures").EnumerateArray());
        Assert.Equal(0.0, (await learner.GetOkJsonAsync("/api/v1/stats/course-progress"))[0].GetProperty("progress").GetDouble());
    }

    [Fact]
    public async Task The_heatmap_has_exactly_n_days_oldest_first_ending_today_with_zeros()
    {
        _clock.SetUtcNow(January31);
        using var learner = _app.Learner(_user);
        await learner.PostAsync("/api/v1/progress/heatmap/mark", null);

        var year = (await learner.GetOkJsonAsync("/api/v1/progress/heatmap/data")).EnumerateArray().ToList();
        var week = (await learner.GetOkJsonAsync("/api/v1/progress/heatmap/data?days=7")).EnumerateArray().ToList();

        Assert.Equal(365, year.Count);
        Assert.Equal(("2025-02-01", "2026-01-31"), (year[0].GetProperty("date").GetString(), year[^1].GetProperty("date").GetString()));
        Assert.Equal(7, week.Count);
        Assert.Equal([0, 0, 0, 0, 0, 0, 1], week.Select(d => d.GetProperty("count").GetInt32()));
        Assert.All(week, d => Assert.Equal(0, d.GetProperty("seconds").GetDouble()));
        await (await learner.GetAsync("/api/v1/progress/heatmap/data?days=0")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await learner.GetAsync("/api/v1/progress/heatmap/data?days=367")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(366, (await learner.GetOkJsonAsync("/api/v1/progress/heatmap/data?days=366")).GetArrayLength());
    }

    [Theory]
    [InlineData("Pacific/Kiritimati", "2026-02-01")]   // UTC+14: 12:30 UTC is 02:30 the next day
    [InlineData("Etc/GMT+12", "2026-01-31")]           // UTC-12: 12:30 UTC is 00:30 the same day
    [InlineData("UTC", "2026-01-31")]
    public async Task Days_follow_the_learner_zone(string zone, string today)
    {
        _clock.SetUtcNow(January31.AddMinutes(30));
        var course = await _app.CreateCourseAsync(600);
        using var learner = _app.Learner(_user);
        var put = await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = zone });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(zone, (await learner.GetOkJsonAsync("/api/v1/me/settings")).GetProperty("timeZone").GetString());

        await WatchAsync(learner, course, "l1", 0, 90, "s");

        var last = (await learner.GetOkJsonAsync("/api/v1/progress/heatmap/data?days=3")).EnumerateArray().Last();
        Assert.Equal((today, 90.0), (last.GetProperty("date").GetString(), last.GetProperty("seconds").GetDouble()));
        Assert.Equal(today, (await learner.GetOkJsonAsync("/api/v1/stats/student")).GetProperty("lastActiveDate").GetString());
    }

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    [InlineData("Eastern Standard Time")]
    public async Task An_unknown_zone_is_refused_and_changes_nothing(string zone)
    {
        using var learner = _app.Learner(_user);
        var response = await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = zone });
        Assert.Contains("timeZone", (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal("UTC", (await learner.GetOkJsonAsync("/api/v1/me/settings")).GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task A_streak_crosses_a_month_end_and_lapses_after_a_missed_day()
    {
        using var learner = _app.Learner(_user);
        _clock.SetUtcNow(new DateTimeOffset(2026, 1, 30, 12, 0, 0, TimeSpan.Zero));
        foreach (var _ in Enumerable.Range(0, 3))
        {
            (await learner.PostAsync("/api/v1/progress/heatmap/mark", null)).EnsureSuccessStatusCode();
            _clock.Advance(TimeSpan.FromDays(1));
        }
        // Now 2026-02-02: today not active yet, the streak ending yesterday still counts.
        var stats = await learner.GetOkJsonAsync("/api/v1/stats/student");
        Assert.Equal((3, 3, "2026-02-01"), (stats.GetProperty("currentStreak").GetInt32(), stats.GetProperty("longestStreak").GetInt32(), stats.GetProperty("lastActiveDate").GetString()));

        _clock.Advance(TimeSpan.FromDays(1));
        stats = await learner.GetOkJsonAsync("/api/v1/stats/student");
        Assert.Equal((0, 3), (stats.GetProperty("currentStreak").GetInt32(), stats.GetProperty("longestStreak").GetInt32()));
    }

    [Fact]
    public async Task A_late_day_replayed_from_an_offline_queue_joins_two_runs()
    {
        var course = await _app.CreateCourseAsync(600);
        using var learner = _app.Learner(_user);
        var start = new DateTimeOffset(2026, 1, 25, 12, 0, 0, TimeSpan.Zero);
        foreach (var offset in new[] { 0, 1, 3, 4 })
        {
            _clock.SetUtcNow(start.AddDays(offset));
            (await learner.PostAsync("/api/v1/progress/heatmap/mark", null)).EnsureSuccessStatusCode();
        }
        Assert.Equal(2, (await learner.GetOkJsonAsync("/api/v1/stats/student")).GetProperty("currentStreak").GetInt32());

        // The session of the 27th, queued offline, arrives on the 29th.
        var played = start.AddDays(2).ToUnixTimeMilliseconds();
        var offline = Enumerable.Range(1, 15).Select(i => new
        {
            courseId = course, lectureId = "l1", segmentStart = (i - 1) * 5, watchTime = i * 5, sessionId = "offline",
            clientTs = played + i * 5_000L,
        }).ToArray();
        (await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings = offline })).EnsureSuccessStatusCode();

        var buffered = await learner.GetOkJsonAsync("/api/v1/stats/student");
        await _app.FlushAsync();
        var flushed = await learner.GetOkJsonAsync("/api/v1/stats/student");
        foreach (var stats in new[] { buffered, flushed })
            Assert.Equal((5, 5), (stats.GetProperty("currentStreak").GetInt32(), stats.GetProperty("longestStreak").GetInt32()));
        Assert.Equal(75, flushed.GetProperty("totalWatchSeconds").GetDouble());
        var heatmap = (await learner.GetOkJsonAsync("/api/v1/progress/heatmap/data?days=5")).EnumerateArray().ToList();
        Assert.Equal(75, heatmap[2].GetProperty("seconds").GetDouble());
    }

    [Fact]
    public async Task Dashboard_reads_take_the_same_number_of_store_queries_for_one_course_or_many()
    {
        async Task<(int CourseProgress, int Student)> QueriesFor(int courses)
        {
            var user = Unique.Id("u");
            using var learner = _app.Learner(user);
            for (var i = 0; i < courses; i++)
            {
                var course = await _app.CreateCourseAsync(600, 600, 600);
                await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" });
                await WatchAsync(learner, course, "l2", 0, 60, $"s{i}");
            }
            await _app.FlushAsync();
            await learner.GetOkJsonAsync("/api/v1/stats/student");   // warms the learner's zone
            var before = _app.StoreCalls;
            await learner.GetOkJsonAsync("/api/v1/stats/course-progress");
            var middle = _app.StoreCalls;
            await learner.GetOkJsonAsync("/api/v1/stats/student");
            return (middle - before, _app.StoreCalls - middle);
        }

        var one = await QueriesFor(1);
        var many = await QueriesFor(6);

        Assert.Equal(one, many);
        // The stored completions, and the stored lectures under the buffered courses (one query for all of them).
        Assert.Equal(2, one.CourseProgress);
    }
}
