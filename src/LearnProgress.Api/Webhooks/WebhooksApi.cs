using System.Net;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core.Events;
using LearnProgress.Core.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LearnProgress.Api.Webhooks;

public static class WebhooksApi
{
    public const int MaxListed = 200;

    public sealed record CreateEndpointRequest(string? Url, IReadOnlyList<string>? EventTypes);

    public sealed record UpdateEndpointRequest(string? Url, IReadOnlyList<string>? EventTypes, bool? Enabled);

    public sealed record RedeliverRequest(Guid? EventId);

    public sealed record EndpointView(Guid Id, string Url, IReadOnlyList<string> EventTypes, bool Enabled, string? DisabledReason,
        DateTimeOffset CreatedAt, DateTimeOffset? FailingSince, DateTimeOffset? PreviousSecretExpiresAt);

    /// <summary>The only answers that carry a secret: creation and rotation.</summary>
    public sealed record EndpointWithSecret(Guid Id, string Url, IReadOnlyList<string> EventTypes, bool Enabled, DateTimeOffset CreatedAt,
        string Secret, DateTimeOffset? PreviousSecretExpiresAt);

    public sealed record AttemptView(Guid DeliveryId, Guid EventId, int Attempt, DateTimeOffset At, int? StatusCode, string? Error, double DurationMs);

    public sealed record DeliveryView(Guid Id, Guid EventId, string Status, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt);

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/webhooks").WithTags("Webhooks").RequireAuthorization(AuthExtensions.AdminPolicy);
        group.MapPost("/", Create).WithSummary("Registers an endpoint; the answer shows its secret, once.");
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Update).WithSummary("Changes the URL or event types, or disables and enables the endpoint.");
        group.MapDelete("/{id}", Delete);
        group.MapPost("/{id}/rotate", Rotate).WithSummary("A new secret; the previous one keeps signing for Webhooks:RotationOverlap.");
        group.MapGet("/{id}/attempts", Attempts).WithSummary("The endpoint's delivery log, newest first.");
        group.MapGet("/{id}/deliveries", Deliveries);
        group.MapPost("/{id}/redeliver", Redeliver).WithSummary("Sends an event to the endpoint again, with the same webhook-id.");
        return group;
    }

    public static async Task<Results<Created<EndpointWithSecret>, ProblemHttpResult>> Create(
        CreateEndpointRequest request, IWebhookStore store, IOptions<WebhookOptions> options, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var url = CheckUrl(request.Url, options.Value, errors);
        var types = CheckTypes(request.EventTypes, errors);
        if (errors.Count > 0) return TypedResults.Problem(Problems.Invalid(errors));
        var endpoint = new WebhookEndpoint(Guid.NewGuid(), url!, types, WebhookSignature.NewSecret(), null, null, true, null, time.GetUtcNow(), null);
        await store.CreateEndpointAsync(endpoint, ct);
        return TypedResults.Created($"/api/v1/admin/webhooks/{endpoint.Id}", WithSecret(endpoint));
    }

    public static async Task<Ok<List<EndpointView>>> List(IWebhookStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListEndpointsAsync(ct)).Select(View).ToList());

    public static async Task<Results<Ok<EndpointView>, ProblemHttpResult>> Get(Guid id, IWebhookStore store, CancellationToken ct) =>
        await store.GetEndpointAsync(id, ct) is { } endpoint ? TypedResults.Ok(View(endpoint)) : Unknown(id);

    public static async Task<Results<Ok<EndpointView>, ProblemHttpResult>> Update(
        Guid id, UpdateEndpointRequest request, IWebhookStore store, IOptions<WebhookOptions> options, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var url = request.Url is null ? null : CheckUrl(request.Url, options.Value, errors);
        var types = request.EventTypes is null ? null : CheckTypes(request.EventTypes, errors);
        if (errors.Count > 0) return TypedResults.Problem(Problems.Invalid(errors));
        if (await store.GetEndpointAsync(id, ct) is not { } endpoint) return Unknown(id);
        var enabled = request.Enabled ?? endpoint.Enabled;
        var updated = endpoint with
        {
            Url = url ?? endpoint.Url,
            EventTypes = types ?? endpoint.EventTypes,
            Enabled = enabled,
            // Enabling again starts afresh; disabling by hand says so.
            DisabledReason = enabled ? null : request.Enabled == false ? "Disabled by an administrator." : endpoint.DisabledReason,
            FailingSince = enabled && !endpoint.Enabled ? null : endpoint.FailingSince,
        };
        return await store.UpdateEndpointAsync(updated, ct) ? TypedResults.Ok(View(updated)) : Unknown(id);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, IWebhookStore store, CancellationToken ct) =>
        await store.DeleteEndpointAsync(id, ct) ? TypedResults.NoContent() : Unknown(id);

    public static async Task<Results<Ok<EndpointWithSecret>, ProblemHttpResult>> Rotate(
        Guid id, IWebhookStore store, IOptions<WebhookOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (await store.GetEndpointAsync(id, ct) is not { } endpoint) return Unknown(id);
        var rotated = endpoint with
        {
            Secret = WebhookSignature.NewSecret(),
            PreviousSecret = endpoint.Secret,
            PreviousSecretExpiresAt = time.GetUtcNow() + options.Value.RotationOverlap,
        };
        return await store.UpdateEndpointAsync(rotated, ct) ? TypedResults.Ok(WithSecret(rotated)) : Unknown(id);
    }

    public static async Task<Results<Ok<List<AttemptView>>, ProblemHttpResult>> Attempts(Guid id, int? limit, IWebhookStore store, CancellationToken ct)
    {
        if (limit is < 1 or > MaxListed) return BadLimit();
        if (await store.GetEndpointAsync(id, ct) is null) return Unknown(id);
        return TypedResults.Ok((await store.ListAttemptsAsync(id, limit ?? 50, ct))
            .Select(a => new AttemptView(a.DeliveryId, a.EventId, a.Attempt, a.At, a.StatusCode, a.Error, a.DurationMs)).ToList());
    }

    public static async Task<Results<Ok<List<DeliveryView>>, ProblemHttpResult>> Deliveries(Guid id, int? limit, IWebhookStore store, CancellationToken ct)
    {
        if (limit is < 1 or > MaxListed) return BadLimit();
        if (await store.GetEndpointAsync(id, ct) is null) return Unknown(id);
        return TypedResults.Ok((await store.ListDeliveriesAsync(id, limit ?? 50, ct))
            .Select(d => new DeliveryView(d.Id, d.EventId, d.Status.ToString().ToLowerInvariant(), d.Attempts, d.NextAttemptAt, d.CreatedAt)).ToList());
    }

    public static async Task<Results<Accepted<DeliveryView>, ProblemHttpResult>> Redeliver(
        Guid id, RedeliverRequest request, IWebhookStore store, WebhookDispatcher dispatcher, TimeProvider time, CancellationToken ct)
    {
        if (request.EventId is not { } eventId)
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["eventId"] = ["is required."] }));
        if (await store.GetEndpointAsync(id, ct) is null) return Unknown(id);
        if (await store.FindEventAsync(eventId, ct) is null)
            return TypedResults.Problem(Problems.NotFound("eventId", $"There is no event '{eventId}'."));
        var now = time.GetUtcNow();
        var delivery = new WebhookDelivery(Guid.NewGuid(), id, eventId, DeliveryStatus.Pending, 0, now, now);
        await store.FanOutAsync([delivery], null, ct);
        dispatcher.Nudge();
        return TypedResults.Accepted($"/api/v1/admin/webhooks/{id}/deliveries",
            new DeliveryView(delivery.Id, eventId, "pending", 0, now, now));
    }

    private static string? CheckUrl(string? url, WebhookOptions options, Dictionary<string, string[]> errors)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.UserInfo) || url!.Length > 2048)
        {
            errors["url"] = ["must be an absolute http or https URL without credentials, at most 2048 characters."];
            return null;
        }
        if (!options.AllowPrivateNetworks && (uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var ip) && !NetworkGuard.IsPublic(ip))))
        {
            errors["url"] = ["points at a loopback, link-local or private address; set Webhooks:AllowPrivateNetworks to allow it."];
            return null;
        }
        return uri.ToString();
    }

    private static List<string> CheckTypes(IReadOnlyList<string>? types, Dictionary<string, string[]> errors)
    {
        var unknown = (types ?? []).Where(t => !EventTypes.All.Contains(t, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            errors["eventTypes"] = [$"unknown types {string.Join(", ", unknown)}; known: {string.Join(", ", EventTypes.All)} (none means all)."];
        return (types ?? []).Distinct(StringComparer.Ordinal).ToList();
    }

    private static EndpointView View(WebhookEndpoint e) =>
        new(e.Id, e.Url, e.EventTypes, e.Enabled, e.DisabledReason, e.CreatedAt, e.FailingSince, e.PreviousSecretExpiresAt);

    private static EndpointWithSecret WithSecret(WebhookEndpoint e) =>
        new(e.Id, e.Url, e.EventTypes, e.Enabled, e.CreatedAt, e.Secret, e.PreviousSecretExpiresAt);

    private static ProblemHttpResult Unknown(Guid id) => TypedResults.Problem(Problems.NotFound("id", $"There is no webhook endpoint '{id}'."));

    private static ProblemHttpResult BadLimit() =>
        TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["limit"] = [$"must be 1 to {MaxListed}."] }));
}
