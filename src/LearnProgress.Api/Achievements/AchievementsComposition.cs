using LearnProgress.Core.Achievements;
using LearnProgress.Core.Record;
using Microsoft.Extensions.Options;

namespace LearnProgress.Api.Achievements;

public sealed class AchievementOptions
{
    public const string Section = "Achievements";

    /// <summary>The catalog; when none is configured, <see cref="AchievementRules.Defaults"/>.</summary>
    public List<AchievementRule> Rules { get; set; } = [];
}

public static class AchievementsComposition
{
    /// <summary>
    /// Achievements from the configured rules. Awards are kept by the store's <see cref="IAchievementStore"/>
    /// (<c>AddBufferAndStore</c> wires SQLite's or MongoDB's), so this is the same in both modes.
    /// </summary>
    public static IHostApplicationBuilder AddAchievements(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AchievementOptions>().BindConfiguration(AchievementOptions.Section)
            .Validate(o => o.Rules.All(r => Core.Progress.Ids.IsValid(r.Id) && !string.IsNullOrWhiteSpace(r.Title) && r.Target > 0)
                           && o.Rules.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count() == o.Rules.Count,
                "Achievements:Rules need distinct ids (" + Core.Progress.Ids.Rule + "), a title and a target above 0.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<AchievementOptions>>().Value.Rules;
            return new AchievementRules(configured.Count > 0 ? configured : AchievementRules.Defaults);
        });
        services.AddSingleton<AchievementService>();
        services.AddSingleton<IRecordListener>(sp => sp.GetRequiredService<AchievementService>());
        services.AddHostedService(sp => sp.GetRequiredService<AchievementService>());
        return builder;
    }

    public static WebApplication MapAchievements(this WebApplication app)
    {
        app.MapAchievementsApi();
        return app;
    }
}
