using LearnProgress.Api.Achievements;
using LearnProgress.Api.Analytics;
using LearnProgress.Api.Assessments;
using LearnProgress.Api.Certifications;
using LearnProgress.Api.Courses;
using LearnProgress.Api.DataRights;
using LearnProgress.Api.Events;
using LearnProgress.Api.Heatmap;
using LearnProgress.Api.Hub;
using LearnProgress.Api.Learn;
using LearnProgress.Api.Leaderboards;
using LearnProgress.Api.Learners;
using LearnProgress.Api.Operations;
using LearnProgress.Api.Progress;
using LearnProgress.Api.Reports;
using LearnProgress.Api.Security;
using LearnProgress.Api.Stats;
using Serilog;

namespace LearnProgress.Api.Hosting;

/// <summary>The whole service, so <c>Program.cs</c> and any host that embeds the service compose it the same way.</summary>
public static class ServiceComposition
{
    public static WebApplicationBuilder AddLearnProgress(this WebApplicationBuilder builder)
    {
        builder.AddRequestLogging();
        builder.AddProblemResponses();
        builder.AddApiJson();
        builder.AddBufferAndStore();
        builder.AddServiceMetrics();
        builder.AddServiceTracing();
        builder.AddTokenAuth();
        builder.AddDashboardAccess();
        builder.AddRequestProtection();
        builder.AddProgressServices();
        builder.AddFlushScheduling();
        builder.AddLearningEvents();
        builder.AddAchievements();
        builder.AddProgressHub();
        builder.AddCourseAnalytics();
        builder.AddCertifications();
        builder.AddReports();
        builder.AddReadinessChecks();
        builder.AddOpenApiDocs();
        return builder;
    }

    public static WebApplication UseLearnProgress(this WebApplication app)
    {
        app.UseSerilogRequestLogging();
        app.UseProblemResponses();
        app.UseRequestProtection();
        app.UseSwagger();
        app.UseSwaggerUI();
        app.UseAuthentication();
        app.UseRateLimits();
        app.UseAuthorization();
        app.UseStrictJson();

        app.MapProgressApi();
        app.MapHeatmapApi();
        app.MapStatsApi();
        app.MapSettingsApi();
        app.MapLeaderboardsApi();
        app.MapDataRightsApi();
        app.MapAnalyticsApi();
        app.MapReportsApi();
        app.MapCoursesApi();
        app.MapAssessmentsApi();
        app.MapCertificationsApi();
        app.MapCredentialsApi();
        app.MapOperationsApi();
        app.MapLearningEvents();
        app.MapAchievements();
        app.MapProgressHub();
        app.MapServiceMetrics();
        app.MapHangfireDashboardForAdmins();
        app.MapDevTokenApi();
        app.MapLearnPages();
        return app;
    }
}
