using LearnProgress.Api.Webhooks;
using LearnProgress.Core.Events;
using LearnProgress.Core.Record;
using Microsoft.Extensions.Options;

namespace LearnProgress.Api.Events;

public sealed class EventOptions
{
    public const string Section = "Events";

    /// <summary>Run lengths (days) that raise <c>streak.milestone</c>.</summary>
    public int[] StreakMilestones { get; set; } = [.. EventPlanner.DefaultMilestones];
}

public static class EventsComposition
{
    /// <summary>
    /// Events decided with each change and saved with it, the feed, and webhook deliveries. The event log and the
    /// webhook store are ports of the store (<c>AddBufferAndStore</c> wires SQLite's or MongoDB's), so this is the
    /// same in both modes.
    /// </summary>
    public static IHostApplicationBuilder AddLearningEvents(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<EventOptions>().BindConfiguration(EventOptions.Section)
            .Validate(o => o.StreakMilestones.All(m => m is >= 1 and <= 3650), "Events:StreakMilestones must be day counts from 1 to 3650.")
            .ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new EventPlanner(sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<EventOptions>>().Value.StreakMilestones.Distinct().Order().ToList()));

        services.AddHttpClient<WebhookSender>(WebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => NetworkGuard.Handler(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateNetworks))
            // The sender applies Webhooks:Timeout per attempt itself.
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<IRecordListener>(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return builder;
    }

    public static WebApplication MapLearningEvents(this WebApplication app)
    {
        app.MapEventsApi();
        app.MapWebhooksApi();
        return app;
    }
}
