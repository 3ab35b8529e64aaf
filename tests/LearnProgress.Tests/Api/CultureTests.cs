using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

/// <summary>
/// The service as a real process on a server whose locale has another calendar and other digits: every date it
/// answers is ISO (Gregorian), every number is written the invariant way, in answers and in problem messages.
/// </summary>
public sealed partial class CultureTests
{
    [Theory]
    [InlineData("th_TH.UTF-8")]   // Buddhist calendar: 2026 is 2569
    [InlineData("ar_SA.UTF-8")]   // Umm al-Qura calendar, Arabic decimal separator
    public async Task Dates_and_numbers_are_invariant_whatever_the_servers_locale(string locale)
    {
        using var data = new TempDirectory();
        await using var service = await ServiceProcess.StartAsync(data.Path, new Dictionary<string, string> { ["LANG"] = locale, ["LC_ALL"] = locale });
        var course = Unique.Id("c");
        using var admin = service.Client(TestTokens.Admin());
        (await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "Culture" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/l1", new { title = "One", durationSeconds = 63.5 })).EnsureSuccessStatusCode();
        using var learner = service.Client(TestTokens.Learner(Unique.Id("u")));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var pings = Enumerable.Range(1, 12).Select(i => new
        {
            courseId = course, lectureId = "l1", segmentStart = (i - 1) * 5.25, watchTime = i * 5.25, clientTs = now - (12 - i) * 5_000L,
            segmentStartTs = now - (13 - i) * 5_000L,
        });
        (await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings })).EnsureSuccessStatusCode();
        (await learner.PostAsync("/api/v1/progress/heatmap/mark", null)).EnsureSuccessStatusCode();

        var refused = await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 70.5 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("(63.5 s)", await refused.Content.ReadAsStringAsync());

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var heatmap = await (await learner.GetAsync("/api/v1/progress/heatmap/data?days=7")).JsonAsync();
        Assert.All(heatmap.EnumerateArray(), d => Assert.Matches(IsoDay(), d.GetProperty("date").GetString()));
        var last = heatmap.EnumerateArray().Last();
        Assert.Equal((today, 60.0, 2), (last.GetProperty("date").GetString(), last.GetProperty("seconds").GetDouble(), last.GetProperty("count").GetInt32()));

        var stats = await (await learner.GetAsync("/api/v1/stats/student")).JsonAsync();
        Assert.Equal((today, 1), (stats.GetProperty("lastActiveDate").GetString(), stats.GetProperty("currentStreak").GetInt32()));
        var progress = await (await learner.GetAsync($"/api/v1/progress/{course}")).Content.ReadAsStringAsync();
        var lecture = JsonDocument.Parse(progress).RootElement.GetProperty("lectures").GetProperty("l1");
        Assert.Equal((63.0, 63.5, 0.9921, true), (lecture.GetProperty("position").GetDouble(), lecture.GetProperty("duration").GetDouble(),
            lecture.GetProperty("coverage").GetDouble(), lecture.GetProperty("completed").GetBoolean()));
        Assert.DoesNotContain("٫", progress);
        Assert.Equal(100.0, (await (await learner.GetAsync("/api/v1/stats/course-progress")).JsonAsync())[0].GetProperty("progress").GetDouble());
    }

    [GeneratedRegex(@"^20\d\d-\d\d-\d\d$")]
    private static partial Regex IsoDay();
}
