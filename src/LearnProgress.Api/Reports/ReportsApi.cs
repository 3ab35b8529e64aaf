using System.Globalization;
using System.Security.Claims;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core.Analytics;
using Hangfire;
using LearnProgress.Api.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace LearnProgress.Api.Reports;

public static class ReportsApi
{
    public sealed record NextStepsView(IReadOnlyList<NextStep> Items);

    public const string PdfType = "application/pdf";

    public static IHostApplicationBuilder AddReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NextStepsReader>();
        builder.Services.AddSingleton<WeeklyReportReader>();
        builder.Services.AddTransient<WeeklyReportJob>();
        builder.Services.Configure<SwaggerGenOptions>(o => o.OperationFilter<PdfResponses>());
        builder.Services.AddRecurringJob((_, jobs) => jobs.AddOrUpdate<WeeklyReportJob>(WeeklyReportJob.RecurringJobId,
            job => job.RunAsync(CancellationToken.None), WeeklyReportJob.Cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc }));
        return builder;
    }

    public static RouteGroupBuilder MapReportsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/me").WithTags("Reports").RequireLearner();
        group.MapGet("/next", Next)
            .WithSummary("What to do next, each with its reason: lectures to continue, the next lecture of each course, skills to review with their quizzes, the next streak milestone with its date.");
        group.MapGet("/reports/weekly", Weekly)
            .Produces<WeeklyReport>(StatusCodes.Status200OK, "application/json", PdfType)
            .WithSummary("The caller's week (week = its Monday, YYYY-MM-DD; default the last complete week, in the caller's zone) as JSON or, with format=pdf, as a PDF with the same figures.");
        return group;
    }

    public static async Task<Ok<NextStepsView>> Next(ClaimsPrincipal user, NextStepsReader reader, CancellationToken ct) =>
        TypedResults.Ok(new NextStepsView(await reader.ReadAsync(user.Id(), ct)));

    public static async Task<Results<Ok<WeeklyReport>, FileContentHttpResult, ProblemHttpResult>> Weekly(
        string? week, string? format, ClaimsPrincipal user, WeeklyReportReader reader, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var pdf = format switch
        {
            null or "json" => false,
            "pdf" => true,
            _ => Fail(errors, "format", "must be json or pdf."),
        };
        var learner = user.Id();
        var today = await reader.TodayAsync(learner, ct);
        var latest = WeeklyReports.LastCompleteWeek(today);
        var monday = latest;
        if (week is not null)
        {
            if (!DateOnly.TryParseExact(week, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out monday))
                Fail(errors, "week", "must be a date, YYYY-MM-DD.");
            else if (!WeeklyReports.IsMonday(monday))
                Fail(errors, "week", "must be a Monday.");
            else if (monday < WeeklyReports.FirstWeek)
                Fail(errors, "week", $"must be from {WeeklyReports.FirstWeek.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} on.");
            else if (!WeeklyReports.HasEnded(monday, today))
                Fail(errors, "week", $"must be a week that has ended in your time zone; the latest is {latest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.");
        }
        if (errors.Count > 0) return TypedResults.Problem(Problems.Invalid(errors));

        var report = await reader.ReadAsync(learner, monday, ct);
        return pdf
            ? TypedResults.File(WeeklyReportPdf.Render(report), PdfType, $"weekly-report-{report.Week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.pdf")
            : TypedResults.Ok(report);
    }

    private static bool Fail(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return false;
    }
}
