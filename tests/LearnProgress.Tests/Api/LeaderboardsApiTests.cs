using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>Joining, reading and leaving the weekly boards through the HTTP API, with the flush that fills them.</summary>
public sealed class LeaderboardsApiTests : IAsyncLifetime
{
    // Wednesday 11 March 2026: the board week is the one of Monday 9 March.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 11, 12, 0, 0, TimeSpan.Zero));
    private readonly LearnProgressApp _app;

    public LeaderboardsApiTests() => _app = new LearnProgressApp(time: _clock);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();


    private Task WatchAsync(HttpClient learner, string course, int seconds) => learner.WatchAsync(Now, course, "l1", 0, seconds);

    private static List<(int Rank, string Name, double Minutes)> Entries(JsonElement board) =>
        board.GetProperty("entries").EnumerateArray()
            .Select(e => (e.GetProperty("rank").GetInt32(), e.GetProperty("displayName").GetString()!, e.GetProperty("minutes").GetDouble())).ToList();

    [Fact]
    public async Task Joined_learners_appear_after_the_flush_a_replay_changes_nothing_and_leaving_removes_at_once()
    {
        var course = await _app.CreateCourseAsync(3_600);
        string ada = Unique.Id("u"), alan = Unique.Id("u"), quiet = Unique.Id("u");
        using var adaClient = _app.Learner(ada);
        using var alanClient = _app.Learner(alan);
        using var quietClient = _app.Learner(quiet);
        (await adaClient.PutAsJsonAsync("/api/v1/me/settings", new { leaderboard = true, displayName = "Ada L." })).EnsureSuccessStatusCode();
        (await alanClient.PutAsJsonAsync("/api/v1/me/settings", new { leaderboard = true, displayName = "Alan T." })).EnsureSuccessStatusCode();
        await WatchAsync(adaClient, course, 180);
        await WatchAsync(alanClient, course, 120);
        await WatchAsync(quietClient, course, 600);
        await _app.FlushAsync();

        var global = await adaClient.GetOkJsonAsync("/api/v1/leaderboards/weekly");
        var byCourse = await alanClient.GetOkJsonAsync($"/api/v1/leaderboards/weekly?courseId={course}");
        var notJoined = await quietClient.GetOkJsonAsync("/api/v1/leaderboards/weekly");

        Assert.Equal("2026-03-09", global.GetProperty("week").GetString());
        Assert.Equal([(1, "Ada L.", 3.0), (2, "Alan T.", 2.0)], Entries(global).Where(e => e.Name is "Ada L." or "Alan T."));
        Assert.DoesNotContain(Entries(global), e => e.Minutes == 10.0);
        Assert.Equal([(1, "Ada L.", 3.0), (2, "Alan T.", 2.0)], Entries(byCourse));
        Assert.Equal((2, 2.0), (byCourse.GetProperty("me").GetProperty("rank").GetInt32(), byCourse.GetProperty("me").GetProperty("minutes").GetDouble()));
        Assert.Equal(JsonValueKind.Null, notJoined.GetProperty("me").ValueKind);

        // A claim replayed after a crash: the same day written again sets the same absolute total.
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var stored = Assert.Single(await _app.Store.ReadDaysAsync(ada, today, today));
        var progress = (await _app.Store.ReadLecturesAsync(ada, [course]))[course]["l1"].Progress;
        await _app.Services.GetRequiredService<RecordWriter>().WriteAsync(RecordChange.Of(new FlushBatch(
            [new CourseProgressSnapshot(ada, course, new Dictionary<string, LectureProgress> { ["l1"] = progress })],
            [new ActivitySnapshot(ada, new Dictionary<DateOnly, Coverage> { [today] = stored.Played })])));
        await _app.FlushAsync();
        Assert.Equal(byCourse.GetRawText(), (await alanClient.GetOkJsonAsync($"/api/v1/leaderboards/weekly?courseId={course}")).GetRawText());

        (await adaClient.PutAsJsonAsync("/api/v1/me/settings", new { leaderboard = false })).EnsureSuccessStatusCode();

        Assert.Equal([(1, "Alan T.", 2.0)], Entries(await alanClient.GetOkJsonAsync($"/api/v1/leaderboards/weekly?courseId={course}")));
        Assert.DoesNotContain(Entries(await alanClient.GetOkJsonAsync("/api/v1/leaderboards/weekly")), e => e.Name == "Ada L.");
        var settings = await adaClient.GetOkJsonAsync("/api/v1/me/settings");
        Assert.Equal((false, JsonValueKind.Null), (settings.GetProperty("leaderboard").GetBoolean(), settings.GetProperty("displayName").ValueKind));
        Assert.Equal(JsonValueKind.Null, (await adaClient.GetOkJsonAsync("/api/v1/leaderboards/weekly")).GetProperty("me").ValueKind);
    }

    [Theory]
    [InlineData("{\"leaderboard\":true}")]
    [InlineData("{\"leaderboard\":true,\"displayName\":\"\"}")]
    [InlineData("{\"leaderboard\":true,\"displayName\":\"   \"}")]
    [InlineData("{\"leaderboard\":true,\"displayName\":\"a\\u0007b\"}")]
    [InlineData("{\"leaderboard\":true,\"displayName\":\"evil\\u202Eeman\"}")]
    [InlineData("{\"leaderboard\":true,\"displayName\":\"12345678901234567890123456789012345678901\"}")]
    [InlineData("{\"displayName\":\"Not joined\"}")]
    [InlineData("{\"leaderboard\":false,\"displayName\":\"Leaving\"}")]
    public async Task A_bad_display_name_is_a_400_naming_it_and_changes_nothing(string body)
    {
        using var learner = _app.Learner(Unique.Id("u"));
        var before = await learner.GetOkJsonAsync("/api/v1/me/settings");

        var problem = await (await learner.PutAsync("/api/v1/me/settings", new StringContent(body, System.Text.Encoding.UTF8, "application/json")))
            .AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["displayName"], problem.ErrorFields());
        Assert.Equal(before.GetRawText(), (await learner.GetOkJsonAsync("/api/v1/me/settings")).GetRawText());
    }

    [Fact]
    public async Task A_name_of_40_characters_joins_and_a_bad_course_id_is_a_400()
    {
        using var learner = _app.Learner(Unique.Id("u"));
        var name = "Émilie " + new string('x', 33);

        var joined = await (await learner.PutAsJsonAsync("/api/v1/me/settings", new { leaderboard = true, displayName = name })).JsonAsync();
        var problem = await (await learner.GetAsync("/api/v1/leaderboards/weekly?courseId=a:b")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal((true, name), (joined.GetProperty("leaderboard").GetBoolean(), joined.GetProperty("displayName").GetString()));
        Assert.Equal(["courseId"], problem.ErrorFields());
        var board = await learner.GetOkJsonAsync("/api/v1/leaderboards/weekly");
        Assert.Equal(JsonValueKind.Null, board.GetProperty("me").GetProperty("rank").ValueKind);
    }
}
