using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Core;
using LearnProgress.Core.Record;
using LearnProgress.Redis;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace LearnProgress.Tests.Api;

/// <summary>
/// Export and erase through the HTTP API, on an injected clock, in each mode: after an erase a scan of every Redis key
/// (names, members, fields and values) and of every stored row finds nothing of the learner.
/// </summary>
public abstract class DataRightsContract : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));

    private static readonly string CredentialKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem();

    /// <summary>A credential signing key, so learners can be issued credentials in every mode.</summary>
    protected static Dictionary<string, string?> WithCredentialKey(Dictionary<string, string?>? settings = null) => new(settings ?? [])
    {
        ["Credentials:SigningKeys:0:Kid"] = "dr-key",
        ["Credentials:SigningKeys:0:Pem"] = CredentialKey,
    };
    protected LearnProgressApp App { get; private set; } = null!;

    /// <summary>Null when the mode's servers are not there; the tests then skip with the reason.</summary>
    protected abstract ValueTask<LearnProgressApp?> CreateAppAsync();
    protected abstract void RequireServer();
    /// <summary>Every stored row or document that names the learner anywhere.</summary>
    protected abstract Task<List<string>> StoreTracesAsync(string userId);

    public async ValueTask InitializeAsync() => App = (await CreateAppAsync())!;

    public virtual async ValueTask DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A playback session of [from, to) in 5-second pings ending at the clock's now.</summary>
    private async Task WatchAsync(HttpClient learner, string course, string lecture, int from, int to)
    {
        var count = (to - from) / 5;
        var pings = Enumerable.Range(1, count).Select(i => new
        {
            courseId = course, lectureId = lecture, segmentStart = from + (i - 1) * 5, watchTime = from + i * 5, sessionId = "s-" + lecture,
            clientTs = Now - (count - i) * 5_000L, segmentStartTs = Now - (count - i + 1) * 5_000L,
        }).ToList();
        foreach (var chunk in pings.Chunk(100))
            (await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings = chunk })).EnsureSuccessStatusCode();
    }

    private static readonly string[] QuizSkills = ["dr-skill"];

    /// <summary>A quiz (one item of 4 points observing one skill) in the course, for attempts.</summary>
    private async Task QuizAsync(string course)
    {
        using var admin = App.Admin();
        (await admin.PutAsJsonAsync("/api/v1/skills/dr-skill", new { name = "Data rights skill" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/quizzes/q1", new
        {
            title = "Quiz", passPercent = 50, items = new[] { new { itemId = "i1", maxPoints = 4, skills = QuizSkills } },
        })).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// A learner with stored and buffered progress, a zone, a weekly goal (met on the second day, so a goal.met event),
    /// a mark, an explicit completion and a quiz attempt (3 of 4 points).
    /// </summary>
    private async Task<string> LearnerWithHistoryAsync(string user)
    {
        var course = await App.CreateCourseAsync(100, 200, 300);
        using var learner = App.Learner(user);
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = "Pacific/Kiritimati", weeklyGoalMinutes = 1, weeklyGoalLectures = 2, leaderboard = true, displayName = "Data " + user[..4] }))
            .EnsureSuccessStatusCode();
        await WatchAsync(learner, course, "l1", 0, 95);
        await App.FlushAsync();
        Clock.Advance(TimeSpan.FromDays(1));
        await WatchAsync(learner, course, "l2", 20, 60);
        (await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l3" })).EnsureSuccessStatusCode();
        (await learner.PostAsync("/api/v1/progress/heatmap/mark", null)).EnsureSuccessStatusCode();
        await QuizAsync(course);
        (await learner.PostAsJsonAsync("/api/v1/attempts", new
        {
            attemptId = "dr-1", courseId = course, quizId = "q1", startedAt = Now - 60_000, submittedAt = Now,
            items = new[] { new { itemId = "i1", points = 3 } },
        })).EnsureSuccessStatusCode();
        using (var admin = App.Admin())
            (await admin.PutAsJsonAsync($"/api/v1/certifications/dr-cert", new
            {
                title = "Data rights", description = "d", criteria = "Quiz q1 at 70 %.",
                requirements = new { quizzes = new[] { new { courseId = course, quizId = "q1", minPercent = 70 } } },
            })).EnsureSuccessStatusCode();
        var issued = await learner.PostAsync("/api/v1/me/certifications/dr-cert/credential", null);
        Assert.True(issued.StatusCode == HttpStatusCode.Created, await issued.Content.ReadAsStringAsync());
        return course;
    }

    private static async Task<JsonElement> ExportAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/me/export");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    [Fact]
    public async Task Export_holds_stored_and_buffered_progress_days_runs_and_completions_and_reads_the_same_after_a_flush()
    {
        RequireServer();
        var user = Unique.Id("u");
        var course = await LearnerWithHistoryAsync(user);
        using var learner = App.Learner(user);

        var before = await ExportAsync(learner);
        await App.FlushAsync();
        var after = await ExportAsync(learner);

        Assert.Equal(before.GetRawText(), after.GetRawText());
        Assert.Equal(user, before.GetProperty("learnerId").GetString());
        Assert.Equal("Pacific/Kiritimati", before.GetProperty("settings").GetProperty("timeZone").GetString());
        var lectures = Assert.Single(before.GetProperty("courses").EnumerateArray()).GetProperty("lectures").EnumerateArray().ToList();
        Assert.Equal(["l1", "l2", "l3"], lectures.Select(l => l.GetProperty("lectureId").GetString()));
        var l1 = lectures[0];
        Assert.Equal((95.0, true, "2026-03-10"), (l1.GetProperty("playedSeconds").GetDouble(), l1.GetProperty("completed").GetBoolean(),
            l1.GetProperty("completedOn").GetString()));
        var l2Coverage = Assert.Single(lectures[1].GetProperty("coverage").EnumerateArray());
        Assert.Equal((20.0, 60.0), (l2Coverage.GetProperty("start").GetDouble(), l2Coverage.GetProperty("end").GetDouble()));
        Assert.False(lectures[1].GetProperty("completed").GetBoolean());
        // Pacific/Kiritimati is UTC+14: 09:00 UTC on 10 March is 23:00 that day, and a day later the 11th.
        var days = before.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(["2026-03-10", "2026-03-11"], days.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal((95.0, 0, 1), (days[0].GetProperty("seconds").GetDouble(), days[0].GetProperty("marks").GetInt32(), days[0].GetProperty("completions").GetInt32()));
        Assert.Equal((40.0, 1, 1), (days[1].GetProperty("seconds").GetDouble(), days[1].GetProperty("marks").GetInt32(), days[1].GetProperty("completions").GetInt32()));
        var run = Assert.Single(before.GetProperty("runs").EnumerateArray());
        Assert.Equal(("2026-03-10", "2026-03-11"), (run.GetProperty("start").GetString(), run.GetProperty("end").GetString()));
        Assert.Equal([(course, "l1", "2026-03-10"), (course, "l3", "2026-03-11")], before.GetProperty("completions").EnumerateArray()
            .Select(c => (c.GetProperty("courseId").GetString(), c.GetProperty("lectureId").GetString(), c.GetProperty("date").GetString())));
        var attempt = Assert.Single(before.GetProperty("attempts").EnumerateArray());
        Assert.Equal(("dr-1", 75.0, true), (attempt.GetProperty("attemptId").GetString(), attempt.GetProperty("result").GetProperty("percent").GetDouble(),
            attempt.GetProperty("result").GetProperty("passed").GetBoolean()));
        var skill = Assert.Single(before.GetProperty("skills").EnumerateArray());
        Assert.Equal(("dr-skill", 1), (skill.GetProperty("skillId").GetString(), skill.GetProperty("observations").GetInt32()));
        var credential = Assert.Single(before.GetProperty("credentials").EnumerateArray());
        Assert.Equal(("dr-cert", false), (credential.GetProperty("certificationId").GetString(), credential.GetProperty("revoked").GetBoolean()));
        Assert.Equal(3, credential.GetProperty("credential").GetString()!.Split('.').Length);
        var goal = Assert.Single(before.GetProperty("goals").EnumerateArray());
        Assert.Equal(("2026-03-10", 1, 2), (goal.GetProperty("from").GetString(), goal.GetProperty("minutes").GetInt32(), goal.GetProperty("lectures").GetInt32()));
        Assert.Equal("Data " + user[..4], before.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Csv_export_is_a_zip_of_one_file_per_kind_of_record()
    {
        RequireServer();
        var user = Unique.Id("u");
        var course = await LearnerWithHistoryAsync(user);
        using var learner = App.Learner(user);

        var response = await learner.GetAsync("/api/v1/me/export?format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync());
        var files = zip.Entries.ToDictionary(e => e.Name, e => new StreamReader(e.Open()).ReadToEnd().Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["attempt-items.csv", "attempts.csv", "completions.csv", "credentials.csv", "days.csv", "goals.csv", "lectures.csv", "runs.csv", "settings.csv", "skills.csv"],
            files.Keys.Order());
        Assert.Equal(["from,minutes,lectures", "2026-03-10,1,2"], files["goals.csv"]);
        Assert.Equal(["attemptId,courseId,quizId,startedAt,submittedAt,score,maxScore,percent,passed",
            $"dr-1,{course},q1,{Now - 60_000},{Now},3,4,75,true"], files["attempts.csv"]);
        Assert.Equal(["attemptId,itemId,points,maxPoints,skills", "dr-1,i1,3,4,dr-skill"], files["attempt-items.csv"]);
        Assert.Equal("credentialId,certificationId,issuedAt,validUntil,revoked,credential", files["credentials.csv"][0]);
        Assert.Contains(",dr-cert,2026-03-1", files["credentials.csv"][1]);
        Assert.Equal("skillId,mastery,mastered,observations,lastAssessed", files["skills.csv"][0]);
        Assert.StartsWith("dr-skill,", files["skills.csv"][1]);
        Assert.Equal("courseId,lectureId,position,furthest,updatedAt,playedSeconds,coverage,completed,completedOn", files["lectures.csv"][0]);
        Assert.Equal(4, files["lectures.csv"].Length);
        Assert.StartsWith($"{course},l2,60,60,", files["lectures.csv"][2]);
        Assert.EndsWith(",40,20:60,false,", files["lectures.csv"][2]);
        // Day spans are seconds since the learner's day began (23:00 in UTC+14 here); the counts are what is asserted.
        Assert.Equal("date,seconds,marks,completions,played", files["days.csv"][0]);
        Assert.StartsWith("2026-03-10,95,0,1,8", files["days.csv"][1]);
        Assert.StartsWith("2026-03-11,40,1,1,8", files["days.csv"][2]);
        Assert.Equal(["start,end,length", "2026-03-10,2026-03-11,2"], files["runs.csv"]);
        Assert.Equal($"{user},Pacific/Kiritimati,", files["settings.csv"][1][..(user.Length + 20)]);
    }

    [Fact]
    public async Task Xapi_export_follows_the_video_profile_with_played_segments_from_coverage()
    {
        RequireServer();
        var user = Unique.Id("u");
        var course = await LearnerWithHistoryAsync(user);
        using var learner = App.Learner(user);

        var statements = (await (await learner.GetAsync("/api/v1/me/export?format=xapi")).JsonAsync()).EnumerateArray().ToList();
        var again = (await (await learner.GetAsync("/api/v1/me/export?format=xapi")).JsonAsync()).EnumerateArray().ToList();

        string Verb(JsonElement s) => s.GetProperty("verb").GetProperty("id").GetString()!;
        string Object(JsonElement s) => s.GetProperty("object").GetProperty("id").GetString()!;
        // played and paused for l1 and l2 (footage), completed for l1 and l3, scored and passed for the attempt
        Assert.Equal(8, statements.Count);
        var scored = Assert.Single(statements, s => Verb(s) == "http://adlnet.gov/expapi/verbs/scored");
        Assert.Equal(0.75, scored.GetProperty("result").GetProperty("score").GetProperty("scaled").GetDouble());
        Assert.EndsWith($"/courses/{course}/quizzes/q1", Object(scored), StringComparison.Ordinal);
        Assert.Single(statements, s => Verb(s) == "http://adlnet.gov/expapi/verbs/passed");
        Assert.Equal(statements.Select(s => s.GetProperty("id").GetString()), again.Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(statements.Count, statements.Select(s => s.GetProperty("id").GetString()).Distinct().Count());
        Assert.All(statements, s => Assert.Equal(user, s.GetProperty("actor").GetProperty("account").GetProperty("name").GetString()));
        var paused = Assert.Single(statements, s => Verb(s) == "https://w3id.org/xapi/video/verbs/paused" && Object(s).EndsWith($"/courses/{course}/lectures/l2", StringComparison.Ordinal));
        var extensions = paused.GetProperty("result").GetProperty("extensions");
        Assert.Equal("20[.]60", extensions.GetProperty("https://w3id.org/xapi/video/extensions/played-segments").GetString());
        Assert.Equal(60, extensions.GetProperty("https://w3id.org/xapi/video/extensions/time").GetDouble());
        var completed = statements.Where(s => Verb(s) == "http://adlnet.gov/expapi/verbs/completed").ToList();
        Assert.Equal(["l1", "l3"], completed.Select(s => Object(s)[^2..]));
        Assert.All(completed, s => Assert.True(s.GetProperty("result").GetProperty("completion").GetBoolean()));
        // Completed on the learner's 10 March in UTC+14: the day began at 10:00 UTC on the 9th.
        Assert.Equal("2026-03-09T10:00:00.000Z", completed[0].GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task An_unknown_export_format_is_a_400_problem()
    {
        RequireServer();
        using var learner = App.Learner(Unique.Id("u"));

        var problem = await (await learner.GetAsync("/api/v1/me/export?format=xml")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["format"], problem.ErrorFields());
    }

    [Fact]
    public async Task Erasing_leaves_nothing_of_the_learner_in_redis_or_the_store_keeps_others_and_can_be_repeated()
    {
        RequireServer();
        var user = Unique.Id("u");
        var keys = App.Services.GetRequiredService<RedisKeys>();
        // A neighbour in the same bucket, whose keys share the erased learner's sets.
        var neighbour = Enumerable.Range(0, 10_000).Select(_ => Unique.Id("n")).First(n => keys.BucketOf(n) == keys.BucketOf(user));
        await LearnerWithHistoryAsync(neighbour);
        await LearnerWithHistoryAsync(user);
        using var learner = App.Learner(user);
        using var other = App.Learner(neighbour);
        var neighbourBefore = await ExportAsync(other);
        Assert.NotEmpty(await RedisTracesAsync(user));
        Assert.NotEmpty(await StoreTracesAsync(user));
        var board = await (await learner.GetAsync("/api/v1/leaderboards/weekly")).JsonAsync();
        Assert.True(board.GetProperty("me").GetProperty("rank").GetInt32() >= 1);

        var first = await learner.DeleteAsync("/api/v1/me");
        var second = await learner.DeleteAsync("/api/v1/me");

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, second.StatusCode));
        Assert.Empty(await RedisTracesAsync(user));
        Assert.Empty(await StoreTracesAsync(user));
        Assert.Equal(neighbourBefore.GetRawText(), (await ExportAsync(other)).GetRawText());
        await App.FlushAsync();
        Assert.Empty(await StoreTracesAsync(user));
        var empty = await ExportAsync(learner);
        Assert.Equal((0, 0, "UTC"), (empty.GetProperty("courses").GetArrayLength(), empty.GetProperty("days").GetArrayLength(),
            empty.GetProperty("settings").GetProperty("timeZone").GetString()));
        Assert.Equal((0, 0, 0), (empty.GetProperty("attempts").GetArrayLength(), empty.GetProperty("skills").GetArrayLength(),
            empty.GetProperty("credentials").GetArrayLength()));
        Assert.Equal(0, empty.GetProperty("goals").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("displayName").ValueKind);

        // The erase is announced by the learner's id alone; both requests came at the same instant of the injected
        // clock, so they decided the same event id and the store kept one.
        using var admin = App.Admin();
        var feed = await admin.GetAsync("/api/v1/events?limit=1000");
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        var erased = (await feed.JsonAsync()).GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "learner.erased" && e.GetProperty("data").GetProperty("learnerId").GetString() == user).ToList();
        Assert.Equal(["learnerId"], Assert.Single(erased).GetProperty("data").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_flush_that_read_the_learner_before_the_erase_does_not_bring_the_data_back()
    {
        RequireServer();
        var user = Unique.Id("u");
        await LearnerWithHistoryAsync(user);
        var keys = App.Services.GetRequiredService<RedisKeys>();
        var writer = App.Services.GetRequiredService<RecordWriter>();
        using var admin = App.Admin();
        Task<HttpResponseMessage>? erase = null;
        var eraseFinishedDuringWrite = true;

        var flushed = await App.Buffer.FlushBucketAsync(keys.BucketOf(user), async (batch, ct) =>
        {
            Assert.Contains(batch.Progress, p => p.UserId == user);
            // The flush has read the learner's hashes; the erase starts now and must wait for this write.
            erase = admin.DeleteAsync($"/api/v1/admin/learners/{user}", CancellationToken.None);
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            eraseFinishedDuringWrite = erase.IsCompleted;
            await writer.WriteAsync(RecordChange.Of(batch), ct);
            return (IReadOnlyList<LearnProgress.Core.Progress.HeldLearner>)[];
        });

        Assert.True(flushed.Keys > 0);
        Assert.False(eraseFinishedDuringWrite);
        Assert.Equal(HttpStatusCode.NoContent, (await erase!).StatusCode);
        Assert.Empty(await RedisTracesAsync(user));
        Assert.Empty(await StoreTracesAsync(user));
        await App.FlushAsync();
        Assert.Empty(await StoreTracesAsync(user));
    }

    [Fact]
    public async Task Erasing_a_learner_the_store_refused_clears_the_held_members_too()
    {
        RequireServer();
        var user = Unique.Id("u");
        await LearnerWithHistoryAsync(user);
        var keys = App.Services.GetRequiredService<RedisKeys>();
        await App.Buffer.FlushBucketAsync(keys.BucketOf(user),
            (_, _) => Task.FromResult<IReadOnlyList<LearnProgress.Core.Progress.HeldLearner>>([new(user, "refused")]));
        Assert.True(await App.Buffer.CountHeldAsync() > 0);
        using var learner = App.Learner(user);

        Assert.Equal(HttpStatusCode.NoContent, (await learner.DeleteAsync("/api/v1/me")).StatusCode);

        Assert.Equal(0, await App.Buffer.CountHeldAsync());
        Assert.Empty(await RedisTracesAsync(user));
        Assert.Empty(await StoreTracesAsync(user));
    }

    [Fact]
    public async Task Erasing_another_learner_needs_the_admin_role_and_a_valid_id()
    {
        RequireServer();
        var user = Unique.Id("u");
        await LearnerWithHistoryAsync(user);
        using var anonymous = App.ClientFor(null);
        using var learner = App.Learner(Unique.Id("u"));
        using var admin = App.Admin();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"/api/v1/admin/learners/{user}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync("/api/v1/me")).StatusCode);
        await (await learner.DeleteAsync($"/api/v1/admin/learners/{user}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var problem = await (await admin.DeleteAsync("/api/v1/admin/learners/a%3Ab")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["sub"], problem.ErrorFields());
        Assert.NotEmpty(await StoreTracesAsync(user));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/admin/learners/{user}")).StatusCode);
        Assert.Empty(await StoreTracesAsync(user));
        Assert.Empty(await RedisTracesAsync(user));
    }

    /// <summary>Every Redis key whose name, members, fields or value name the learner (SCAN over the whole keyspace).</summary>
    private async Task<List<string>> RedisTracesAsync(string userId)
    {
        var redis = App.Services.GetRequiredService<IConnectionMultiplexer>();
        var db = redis.GetDatabase();
        var found = new List<string>();
        foreach (var endpoint in redis.GetEndPoints())
            await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: "*", pageSize: 500))
            {
                var name = (string)key!;
                var contents = await db.KeyTypeAsync(key) switch
                {
                    RedisType.Set => (await db.SetMembersAsync(key)).Select(v => (string)v!),
                    RedisType.Hash => (await db.HashGetAllAsync(key)).SelectMany(e => new[] { (string)e.Name!, (string)e.Value! }),
                    RedisType.String => [(string)(await db.StringGetAsync(key))!],
                    _ => [],
                };
                if (name.Contains(userId, StringComparison.Ordinal) || contents.Any(c => c?.Contains(userId, StringComparison.Ordinal) == true))
                    found.Add(name);
            }
        return found;
    }
}
