using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Api.Reports;
using LearnProgress.Core.Analytics;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using UglyToad.PdfPig;

namespace LearnProgress.Tests.Api;

/// <summary>The weekly report (JSON and PDF) and next steps through the HTTP API, on an injected clock.</summary>
public sealed class WeeklyReportApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 2, 20, 12, 0, 0, TimeSpan.Zero));
    private readonly LearnProgressApp _app;
    private readonly string _user = Unique.Id("u");

    public WeeklyReportApiTests() => _app = new LearnProgressApp(time: _clock);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private void At(int month, int day, int hour, int minute = 0) => _clock.SetUtcNow(new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.Zero));


    /// <summary>
    /// In Paris: a week before (Wednesday 25 February, 2 minutes) and the week of 2 March: Tuesday 10 minutes completing
    /// l1, Thursday 5, Saturday 2.5, Sunday 2; the report is asked for on Tuesday 10 March.
    /// </summary>
    private async Task<(HttpClient Learner, string Course)> WeekAsync()
    {
        var course = await _app.CreateCourseAsync(600, 600, 600);
        var learner = _app.Learner(_user);
        (await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = "Europe/Paris" })).EnsureSuccessStatusCode();
        At(2, 25, 9);
        await learner.WatchAsync(Now, course, "l2", 0, 120);
        At(3, 3, 9);
        await learner.WatchAsync(Now, course, "l1", 0, 600);
        await _app.FlushAsync();
        (await learner.GetAsync("/api/v1/achievements")).EnsureSuccessStatusCode();  // first-lecture, earned on 3 March
        At(3, 5, 9);
        await learner.WatchAsync(Now, course, "l2", 120, 420);
        At(3, 7, 9);
        await learner.WatchAsync(Now, course, "l3", 0, 150);
        At(3, 8, 9);
        await learner.WatchAsync(Now, course, "l3", 150, 270);
        At(3, 10, 12);
        return (learner, course);
    }

    [Fact]
    public async Task The_last_complete_week_reports_its_summary_chart_awards_changes_next_steps_and_goals_before_and_after_a_flush()
    {
        var (learner, course) = await WeekAsync();

        var report = await learner.GetOkJsonAsync("/api/v1/me/reports/weekly");
        await _app.FlushAsync();
        var after = await learner.GetOkJsonAsync("/api/v1/me/reports/weekly?week=2026-03-02&format=json");

        Assert.Equal(report.GetRawText(), after.GetRawText());
        Assert.Equal(("2026-03-02", "2026-03-08", "Europe/Paris"), (report.GetProperty("week").GetString(), report.GetProperty("weekEnd").GetString(),
            report.GetProperty("timeZone").GetString()));
        var summary = report.GetProperty("summary");
        Assert.Equal((19.5, 4, 1, 2), (summary.GetProperty("minutes").GetDouble(), summary.GetProperty("activeDays").GetInt32(),
            summary.GetProperty("lecturesCompleted").GetInt32(), summary.GetProperty("streak").GetInt32()));
        Assert.Equal([0, 10, 0, 5, 0, 2.5, 2], report.GetProperty("chart").EnumerateArray().Select(d => d.GetProperty("minutes").GetDouble()));
        Assert.Equal(["first-lecture"], report.GetProperty("achievements").EnumerateArray().Select(a => a.GetProperty("achievementId").GetString()));
        Assert.Equal([("minutes", 17.5), ("activeDays", 3.0), ("lecturesCompleted", 1.0)],
            report.GetProperty("improvements").EnumerateArray().Select(c => (c.GetProperty("measure").GetString(), c.GetProperty("change").GetDouble())));
        Assert.Equal(0, report.GetProperty("challenges").GetArrayLength());
        var steps = report.GetProperty("nextSteps").EnumerateArray().ToList();
        Assert.Equal([("continue", "l3"), ("next-lecture", "l2"), ("milestone", null)],
            steps.Select(s => (s.GetProperty("kind").GetString(), s.GetProperty("lectureId").GetString())));
        Assert.Equal((course, 270.0), (steps[0].GetProperty("courseId").GetString(), steps[0].GetProperty("position").GetDouble()));
        Assert.Equal("2026-03-16", steps[2].GetProperty("estimatedDate").GetString());
        var goals = report.GetProperty("goals");
        Assert.Equal((5, 30.0, 2), (goals.GetProperty("activeDays").GetInt32(), goals.GetProperty("minutes").GetDouble(), goals.GetProperty("lecturesCompleted").GetInt32()));

        var earlier = await learner.GetOkJsonAsync("/api/v1/me/reports/weekly?week=2026-02-23");
        Assert.Equal((2.0, 1), (earlier.GetProperty("summary").GetProperty("minutes").GetDouble(), earlier.GetProperty("summary").GetProperty("activeDays").GetInt32()));
    }

    [Fact]
    public async Task The_pdf_holds_the_numbers_of_the_json_as_extractable_text()
    {
        var (learner, _) = await WeekAsync();
        var json = await learner.GetOkJsonAsync("/api/v1/me/reports/weekly?week=2026-03-02");

        var response = await learner.GetAsync("/api/v1/me/reports/weekly?week=2026-03-02&format=pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var text = PdfText(await response.Content.ReadAsByteArrayAsync());
        var summary = json.GetProperty("summary");
        Assert.Contains($"Weekly report: {json.GetProperty("week").GetString()} to {json.GetProperty("weekEnd").GetString()}", text);
        Assert.Contains($"Time: {Invariant(summary.GetProperty("minutes").GetDouble())} minutes", text);
        Assert.Contains($"Active days: {summary.GetProperty("activeDays").GetInt32()}", text);
        Assert.Contains($"Lectures completed: {summary.GetProperty("lecturesCompleted").GetInt32()}", text);
        Assert.Contains($"Streak: {summary.GetProperty("streak").GetInt32()} days", text);
        foreach (var day in json.GetProperty("chart").EnumerateArray())
        {
            Assert.Contains(day.GetProperty("date").GetString()!, text);
            Assert.Contains(Invariant(day.GetProperty("minutes").GetDouble()), text);
        }
        foreach (var achievement in json.GetProperty("achievements").EnumerateArray())
            Assert.Contains(achievement.GetProperty("title").GetString()!, text);
        foreach (var change in json.GetProperty("improvements").EnumerateArray().Concat(json.GetProperty("challenges").EnumerateArray()))
            Assert.Contains(change.GetProperty("text").GetString()!, Unwrapped(text));
        foreach (var step in json.GetProperty("nextSteps").EnumerateArray())
            Assert.Contains(step.GetProperty("reason").GetString()!, Unwrapped(text));
        Assert.Contains($"Time: {Invariant(json.GetProperty("goals").GetProperty("minutes").GetDouble())} minutes", text);
    }

    [Fact]
    public void The_pdf_is_the_same_whatever_the_culture_and_renders_to_an_image()
    {
        var report = WeeklyReports.Build(new DateOnly(2026, 3, 2), "Europe/Paris",
            [new(new DateOnly(2026, 3, 3), 1236, 0, 1), new(new DateOnly(2026, 3, 5), 4321, 0, 0)], 3,
            [new ReportAchievement("first-lecture", "First lecture completed", new DateOnly(2026, 3, 3))],
            [new NextStep(NextStepKinds.Milestone, "Study 4 more days in a row to earn \u201c7-day streak\u201d (streak now 3).", AchievementId: "streak-7",
                EstimatedDate: new DateOnly(2026, 3, 13))]);
        var original = CultureInfo.CurrentCulture;
        string german, invariant;
        byte[] pdf;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            pdf = WeeklyReportPdf.Render(report);
            german = PdfText(pdf);
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("th-TH");
            Assert.Equal(german, PdfText(WeeklyReportPdf.Render(report)));
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            invariant = PdfText(WeeklyReportPdf.Render(report));
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }

        Assert.Equal(invariant, german);
        Assert.Contains("Time: 92.6 minutes", german);   // 5557 s
        Assert.Contains("20.6", german);                 // Tuesday's bar
        Assert.Contains("Estimated: 2026-03-13.", german);

        RenderFirstPage(pdf, "weekly-report.png");
    }

    private static readonly string[] PdftoppmPaths = ["/usr/bin/pdftoppm", "/usr/local/bin/pdftoppm"];

    /// <summary>The first page rendered by poppler's pdftoppm and kept with the browser screenshots.</summary>
    private static void RenderFirstPage(byte[] pdf, string name)
    {
        var pdftoppm = PdftoppmPaths.FirstOrDefault(File.Exists);
        if (pdftoppm is null)
        {
            ServerRequirement.Unavailable("pdftoppm (Debian package poppler-utils) is not installed; the PDF was not rendered to an image.");
            return;
        }
        var directory = Path.Combine(Repository.Root, "artifacts", "reports");
        Directory.CreateDirectory(directory);
        var input = Path.Combine(directory, Path.ChangeExtension(name, ".pdf"));
        File.WriteAllBytes(input, pdf);
        var output = Path.Combine(directory, Path.GetFileNameWithoutExtension(name));
        using var process = Process.Start(new ProcessStartInfo(pdftoppm, ["-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", input, output])
            { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "pdftoppm did not finish");
        Assert.True(process.ExitCode == 0, $"pdftoppm failed: {error}");
        var png = File.ReadAllBytes(output + ".png");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        // A4 at 72 dpi: 595 × 842 pixels (width and height are the IHDR's first two big-endian integers).
        Assert.InRange(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), 594, 596);
        Assert.InRange(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)), 841, 843);
        Assert.True(png.Length > 5_000, "the rendered page is almost empty");
    }

    [Theory]
    [InlineData("week=2026-03-03", "week")]       // a Tuesday
    [InlineData("week=2026-03-09", "week")]       // the current week, not ended yet
    [InlineData("week=2026-02-30", "week")]
    [InlineData("week=03/02/2026", "week")]
    [InlineData("week=", "week")]
    [InlineData("week=0001-01-01", "week")]     // a Monday, long before any client time
    [InlineData("week=1969-12-29", "week")]
    [InlineData("format=xml", "format")]
    [InlineData("format=PDF", "format")]
    public async Task A_bad_week_or_format_is_a_400_problem(string query, string field)
    {
        using var learner = _app.Learner(_user);
        At(3, 10, 12);

        var problem = await (await learner.GetAsync($"/api/v1/me/reports/weekly?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
    }

    [Fact]
    public async Task Next_steps_give_each_item_a_reason_and_include_skills_to_review_with_their_quizzes()
    {
        var course = await _app.CreateCourseAsync(600, 600);
        using var admin = _app.ClientFor(TestTokens.Timeless("admin-1", "admin"));
        var skill = Unique.Id("s");
        (await admin.PutAsJsonAsync($"/api/v1/skills/{skill}", new { name = "Fractions" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/quizzes/q1", new
        {
            title = "Quiz 1", passPercent = 60, items = new[] { new { itemId = "i1", maxPoints = 1, skills = new[] { skill } } },
        })).EnsureSuccessStatusCode();
        using var learner = _app.Learner(_user);
        await learner.WatchAsync(Now, course, "l1", 0, 200);
        (await learner.PostAsJsonAsync("/api/v1/attempts", new
        {
            attemptId = "a1", courseId = course, quizId = "q1", startedAt = Now - 60_000, submittedAt = Now,
            items = new[] { new { itemId = "i1", points = 0 } },
        })).EnsureSuccessStatusCode();

        var items = (await learner.GetOkJsonAsync("/api/v1/me/next")).GetProperty("items").EnumerateArray().ToList();

        Assert.All(items, i => Assert.False(string.IsNullOrWhiteSpace(i.GetProperty("reason").GetString())));
        Assert.Equal(["continue", "review-skill", "milestone"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.Equal(("l1", 200.0), (items[0].GetProperty("lectureId").GetString(), items[0].GetProperty("position").GetDouble()));
        Assert.Equal(skill, items[1].GetProperty("skillId").GetString());
        Assert.Equal(["q1"], items[1].GetProperty("quizzes").EnumerateArray().Select(q => q.GetProperty("quizId").GetString()));
        Assert.Contains("Fractions", items[1].GetProperty("reason").GetString());
        Assert.Equal("2026-02-26", items[2].GetProperty("estimatedDate").GetString());   // active today: the 7th day is in 6 days

        using var stranger = _app.Learner(Unique.Id("other"));
        Assert.Equal(["milestone"], (await stranger.GetOkJsonAsync("/api/v1/me/next")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("kind").GetString()));

        // A weekly goal not met yet is one more milestone, dated by the week's last day.
        (await stranger.PutAsJsonAsync("/api/v1/me/settings", new { weeklyGoalMinutes = 30 })).EnsureSuccessStatusCode();
        var goal = (await stranger.GetOkJsonAsync("/api/v1/me/next")).GetProperty("items").EnumerateArray().Last();
        Assert.Equal("milestone", goal.GetProperty("kind").GetString());
        Assert.Contains("30 more minutes", goal.GetProperty("reason").GetString());
        Assert.Contains("this week's goal", goal.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_openapi_document_gives_the_report_as_json_or_pdf_bytes_and_the_patterns_and_next_steps_schemas()
    {
        using var anonymous = _app.ClientFor(null);
        var paths = (await (await anonymous.GetAsync("/swagger/v1/swagger.json")).JsonAsync()).GetProperty("paths");

        var report = paths.GetProperty("/api/v1/me/reports/weekly").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.EndsWith("/WeeklyReport", report.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var pdf = report.GetProperty("application/pdf").GetProperty("schema");
        Assert.Equal(("string", "binary"), (pdf.GetProperty("type").GetString(), pdf.GetProperty("format").GetString()));
        Assert.EndsWith("/PatternStats", paths.GetProperty("/api/v1/stats/patterns").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.EndsWith("/NextStepsView", paths.GetProperty("/api/v1/me/next").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
    }

    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }

    /// <summary>Wrapped paragraphs read as one line: bullets and line breaks become single spaces.</summary>
    private static string Unwrapped(string text) => string.Join(" ", text.Replace("\u2022", " ").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static string Invariant(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
