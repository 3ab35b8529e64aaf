using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Core.Progress;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LearnProgress.Tests.Api;

/// <summary>The progress API end to end, once per buffer server.</summary>
public abstract class ProgressApiContract
{
    protected abstract LearnProgressApp App { get; }
    protected virtual void RequireServer() { }

    private readonly string _user = Unique.Id("u");
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private async Task<JsonElement> GetProgressAsync(string courseId, HttpClient? client = null)
    {
        using var own = client is null ? App.Learner(_user) : null;
        var response = await (client ?? own!).GetAsync($"/api/v1/progress/{courseId}");
        response.EnsureSuccessStatusCode();
        return await response.JsonAsync();
    }

    [Fact]
    public async Task A_saved_ping_is_read_back_at_once_and_the_same_after_the_flush()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600, 300);
        using var learner = App.Learner(_user);
        var ts = Now - 1_000;

        var save = await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l2", watchTime = 42.5, clientTs = ts });

        Assert.Equal(HttpStatusCode.OK, save.StatusCode);
        Assert.Equal("synced", (await save.JsonAsync()).GetProperty("message").GetString());
        var before = await GetProgressAsync(course);
        Assert.Equal(42.5, before.GetProperty("watchTimes").GetProperty("l2").GetDouble());
        Assert.Equal("l2", before.GetProperty("lastWatchedLecture").GetString());
        var lecture = before.GetProperty("lectures").GetProperty("l2");
        Assert.Equal((42.5, 42.5, 300.0, ts), (lecture.GetProperty("position").GetDouble(), lecture.GetProperty("furthest").GetDouble(),
            lecture.GetProperty("duration").GetDouble(), lecture.GetProperty("updatedAt").GetInt64()));

        Assert.True(await App.FlushAsync() >= 1);

        Assert.Equal(before.GetRawText(), (await GetProgressAsync(course)).GetRawText());
        Assert.Equal(42.5, (await App.Record.ReadProgressAsync(_user, course))["l2"].Position);
    }

    [Fact]
    public async Task Late_and_duplicate_pings_never_move_resume_back_across_a_flush()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600);
        using var learner = App.Learner(_user);
        var t = Now - 60_000;
        async Task Ping(double at, long ts) => (await learner.PostAsJsonAsync("/api/v1/progress/save",
            new { courseId = course, lectureId = "l1", watchTime = at, clientTs = ts })).EnsureSuccessStatusCode();

        await Ping(300, t + 30_000);
        await App.FlushAsync();
        await Ping(100, t + 10_000);   // late, from before the flushed one
        await Ping(300, t + 30_000);   // duplicate
        var buffered = await GetProgressAsync(course);
        await App.FlushAsync();
        var flushed = await GetProgressAsync(course);

        foreach (var state in new[] { buffered, flushed })
        {
            var lecture = state.GetProperty("lectures").GetProperty("l1");
            Assert.Equal(300, lecture.GetProperty("position").GetDouble());
            Assert.Equal(300, lecture.GetProperty("furthest").GetDouble());
        }
    }

    [Fact]
    public async Task Scrubbing_back_moves_resume_but_furthest_stays()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600);
        using var learner = App.Learner(_user);
        var t = Now - 60_000;

        await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 500, clientTs = t });
        await App.FlushAsync();
        await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 20, clientTs = t + 5_000 });

        var lecture = (await GetProgressAsync(course)).GetProperty("lectures").GetProperty("l1");
        Assert.Equal((20.0, 500.0), (lecture.GetProperty("position").GetDouble(), lecture.GetProperty("furthest").GetDouble()));
    }

    [Fact]
    public async Task A_batch_takes_the_valid_pings_and_names_the_rejected_ones()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600, 600);
        using var learner = App.Learner(_user);
        var t = Now - 10_000;

        var response = await learner.PostAsJsonAsync("/api/v1/progress/batch", new
        {
            pings = new object[]
            {
                new { courseId = course, lectureId = "l1", watchTime = 10, clientTs = t },
                new { courseId = course, lectureId = "l1", watchTime = -5, clientTs = t + 1 },
                new { courseId = course, lectureId = "nope", watchTime = 5, clientTs = t + 2 },
                new { courseId = course, lectureId = "l2", watchTime = 30, clientTs = t + 3 },
                new { courseId = course, lectureId = "l1", watchTime = 20, clientTs = t + 4 },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(3, body.GetProperty("accepted").GetInt32());
        var rejected = body.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal([1, 2], rejected.Select(r => r.GetProperty("index").GetInt32()));
        Assert.True(rejected[0].GetProperty("errors").TryGetProperty("watchTime", out _));
        Assert.True(rejected[1].GetProperty("errors").TryGetProperty("lectureId", out _));
        var watchTimes = (await GetProgressAsync(course)).GetProperty("watchTimes");
        Assert.Equal((20.0, 30.0), (watchTimes.GetProperty("l1").GetDouble(), watchTimes.GetProperty("l2").GetDouble()));
    }

    [Fact]
    public async Task A_batch_over_100_pings_is_refused_whole()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600);
        using var learner = App.Learner(_user);
        var pings = Enumerable.Range(0, 101).Select(i => new { courseId = course, lectureId = "l1", watchTime = i, clientTs = Now - 1_000 });

        var response = await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings });

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("pings", problem.ErrorFields());
        Assert.Empty(await App.Buffer.ReadAsync(_user, course));
    }

    [Fact]
    public async Task Another_learner_sees_none_of_it()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600);
        using var learner = App.Learner(_user);
        await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 99 });
        using var other = App.Learner(Unique.Id("u"));

        var theirs = await GetProgressAsync(course, other);

        Assert.Empty(theirs.GetProperty("watchTimes").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, theirs.GetProperty("lastWatchedLecture").ValueKind);
    }

    [Fact]
    public async Task The_last_watched_lecture_is_the_one_with_the_newest_ping()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600, 600, 600);
        using var learner = App.Learner(_user);
        var t = Now - 60_000;
        await learner.PostAsJsonAsync("/api/v1/progress/batch", new
        {
            pings = new[]
            {
                new { courseId = course, lectureId = "l3", watchTime = 5, clientTs = t + 3_000 },
                new { courseId = course, lectureId = "l1", watchTime = 5, clientTs = t + 1_000 },
            },
        });
        await App.FlushAsync();
        await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l2", watchTime = 5, clientTs = t + 2_000 });

        Assert.Equal("l3", (await GetProgressAsync(course)).GetProperty("lastWatchedLecture").GetString());
    }

    [Fact]
    public async Task The_ping_path_touches_neither_the_store_nor_the_catalog_once_warm()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600);
        using var learner = App.Learner(_user);
        await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 1 });
        var storeCalls = App.StoreCallsFor(_user);
        var courseReads = App.CourseReadsOf(course);

        for (var i = 2; i < 40; i++)
            (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = i })).EnsureSuccessStatusCode();

        Assert.Equal(storeCalls, App.StoreCallsFor(_user));
        Assert.Equal(courseReads, App.CourseReadsOf(course));
        Assert.Empty(await App.Record.ReadProgressAsync(_user, course));
        Assert.Equal(39, (await App.Buffer.ReadAsync(_user, course))["l1"].Position);
    }

    [Fact]
    public async Task Concurrent_pings_on_a_cold_catalog_load_the_course_once()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600);   // creating it dropped any cached copy
        using var learner = App.Learner(_user);
        var before = App.CourseReads;

        var answers = await Task.WhenAll(Enumerable.Range(1, 40).Select(i =>
            learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = i })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(1, App.CourseReads - before);
    }

    [Fact]
    public async Task A_lecture_added_by_an_admin_takes_pings_at_once()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600);
        using var learner = App.Learner(_user);
        var before = await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l2", watchTime = 1 });
        await before.AssertProblemAsync(HttpStatusCode.NotFound);

        using var admin = App.Admin();
        (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/l2", new { title = "New", durationSeconds = 60 })).EnsureSuccessStatusCode();

        var after = await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l2", watchTime = 1 });
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_removed_lecture_drops_out_of_the_progress_answer()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600, 600);
        using var learner = App.Learner(_user);
        await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l2", watchTime = 10 });
        using var admin = App.Admin();

        (await admin.DeleteAsync($"/api/v1/courses/{course}/lectures/l2")).EnsureSuccessStatusCode();

        var progress = await GetProgressAsync(course);
        Assert.False(progress.GetProperty("watchTimes").TryGetProperty("l2", out _));
    }

    [Fact]
    public async Task Flushed_keys_expire_later_but_unflushed_ones_never_do()
    {
        RequireServer();
        var course = await App.CreateCourseAsync(600);
        using var learner = App.Learner(_user);
        var redis = App.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var key = App.Services.GetRequiredService<LearnProgress.Redis.RedisKeys>().Progress(_user, course);

        await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 10 });
        Assert.Null(await redis.KeyTimeToLiveAsync(key));
        await App.FlushAsync();
        Assert.NotNull(await redis.KeyTimeToLiveAsync(key));
        await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 20 });
        Assert.Null(await redis.KeyTimeToLiveAsync(key));
    }
}

public sealed class EmbeddedProgressApiTests(EmbeddedAppFixture fixture) : ProgressApiContract, IClassFixture<EmbeddedAppFixture>
{
    protected override LearnProgressApp App => fixture.App;
}

public sealed class RedisProgressApiTests(RedisAppFixture fixture) : ProgressApiContract, IClassFixture<RedisAppFixture>
{
    protected override LearnProgressApp App => fixture.App;
    protected override void RequireServer() => fixture.Require();

    [Fact]
    public async Task A_ping_is_one_script_call_and_nothing_else()
    {
        fixture.Require();
        var course = await App.CreateCourseAsync(600);
        var user = Unique.Id("u");
        using var learner = App.Learner(user);
        await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 1 });
        var server = fixture.Redis.Connection.GetServers()[0];
        // The first ping warmed the caches; their shared copies land in Redis in the background, not on the ping path.
        var redis = fixture.Redis.Connection.GetDatabase();
        for (var wait = 0; wait < 50 && !(await redis.KeyExistsAsync($"lp:cache:catalog:course:{course}") && await redis.KeyExistsAsync($"lp:cache:learner:zone:{user}")); wait++)
            await Task.Delay(100);
        async Task<Dictionary<string, long>> CallsByCommand() => (await server.InfoAsync("commandstats")).SelectMany(g => g)
            .ToDictionary(kv => kv.Key["cmdstat_".Length..], kv => long.Parse(kv.Value.Split(',')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));

        var before = await CallsByCommand();
        for (var i = 2; i < 12; i++)
            (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = i })).EnsureSuccessStatusCode();
        var after = await CallsByCommand();

        var delta = after.Where(kv => kv.Value != before.GetValueOrDefault(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));
        Assert.Equal(10, delta.GetValueOrDefault("evalsha") + delta.GetValueOrDefault("eval"));
        // Everything else that ran is the script's own work (or the INFO that measures it): no catalog reads, no extra trips.
        Assert.Subset(new HashSet<string> { "evalsha", "eval", "hget", "hset", "persist", "sadd", "pexpire", "info" }, delta.Keys.ToHashSet());
    }
}

/// <summary>The API contract with the buffer on a three-master Redis Cluster: every learner's script stays in one slot.</summary>
public sealed class ClusterProgressApiTests(ClusterAppFixture fixture) : ProgressApiContract, IClassFixture<ClusterAppFixture>
{
    protected override LearnProgressApp App => fixture.App;
    protected override void RequireServer() => fixture.Require();
}
