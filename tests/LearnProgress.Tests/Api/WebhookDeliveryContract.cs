using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Api.Webhooks;
using LearnProgress.Core.Events;
using LearnProgress.Core.Webhooks;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>Signed deliveries to a real receiver on loopback, their stored retries and the admin API, in each storage mode.</summary>
public abstract class WebhookDeliveryContract(AppMode mode) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 4, 8, 0, 0, TimeSpan.Zero));
    private LearnProgressApp _app = null!;
    private readonly string _user = Unique.Id("u");
    private WebhookReceiver _receiver = null!;
    private string _course = "";

    public async ValueTask InitializeAsync()
    {
        _app = (await mode.CreateAsync(_clock, new()
        {
            ["Webhooks:AllowPrivateNetworks"] = "true",
            ["Webhooks:Timeout"] = "00:00:01",
            // Retries in these tests are driven by the test clock and explicit passes, not by the poll.
            ["Webhooks:PollInterval"] = "00:10:00",
        }))!;
        _receiver = await WebhookReceiver.StartAsync();
        if (_app is not null) _course = await _app.CreateCourseAsync(300, 300);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _receiver.DisposeAsync();
        await mode.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private static readonly string[] CourseOnly = ["course.completed"];
    private static readonly string[] LectureOnly = ["lecture.completed"];
    private static readonly string[] StreakOnly = ["streak.milestone"];
    private static readonly string[] Unknown = ["nope"];

    private WebhookDispatcher Dispatcher => _app.Services.GetRequiredService<WebhookDispatcher>();

    /// <summary>An endpoint for lecture completions unless told otherwise, so achievements a completion earns stay out of the count.</summary>
    private async Task<(string Id, string Secret)> RegisterAsync(string[]? eventTypes = null)
    {
        eventTypes ??= LectureOnly;
        using var admin = _app.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = _receiver.Url, eventTypes });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        return (body.GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!);
    }

    private async Task CompleteAsync(string lecture)
    {
        using var learner = _app.Learner(_user);
        (await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = _course, lectureId = lecture })).EnsureSuccessStatusCode();
    }

    private async Task<List<JsonElement>> AttemptsAsync(string endpoint, int atLeast)
    {
        using var admin = _app.Admin();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var attempts = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/webhooks/{endpoint}/attempts")).EnumerateArray().ToList();
            if (attempts.Count >= atLeast || DateTime.UtcNow > deadline) return attempts;
            await Task.Delay(20);
        }
    }

    private async Task<JsonElement> EndpointAsync(string endpoint)
    {
        using var admin = _app.Admin();
        return await admin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/webhooks/{endpoint}");
    }

    [Fact]
    public async Task A_completion_is_delivered_signed_in_the_standard_webhooks_shape()
    {
        mode.Require();
        var (_, secret) = await RegisterAsync();

        await CompleteAsync("l1");

        var request = Assert.Single(await _receiver.WaitForAsync(1));
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(request.Id, body.GetProperty("id").GetString());
        Assert.Equal("lecture.completed", body.GetProperty("type").GetString());
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), request.Timestamp);
        Assert.StartsWith("v1,", request.Signature, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify(secret, request.Id, long.Parse(request.Timestamp, CultureInfo.InvariantCulture), request.Body, request.Signature));
        Assert.False(WebhookSignature.Verify(WebhookSignature.NewSecret(), request.Id, long.Parse(request.Timestamp, CultureInfo.InvariantCulture), request.Body, request.Signature));
    }

    [Fact]
    public async Task Only_the_subscribed_types_are_delivered()
    {
        mode.Require();
        await RegisterAsync(CourseOnly);

        await CompleteAsync("l1");
        await CompleteAsync("l2");

        var request = Assert.Single(await _receiver.WaitForAsync(1));
        Assert.Equal("course.completed", JsonDocument.Parse(request.Body).RootElement.GetProperty("type").GetString());
        await Dispatcher.RunOnceAsync();
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task A_500_is_retried_on_schedule_with_the_same_webhook_id_and_every_attempt_is_logged()
    {
        mode.Require();
        var (endpoint, _) = await RegisterAsync();
        _receiver.Respond = n => new WebhookReceiver.Answer(n == 1 ? 500 : 200);

        await CompleteAsync("l1");
        await _receiver.WaitForAsync(1);
        await AttemptsAsync(endpoint, 1);
        _clock.Advance(TimeSpan.FromSeconds(4));
        await Dispatcher.RunOnceAsync();
        Assert.Single(_receiver.Requests); // not due before 4.5 s
        _clock.Advance(TimeSpan.FromSeconds(2));
        await Dispatcher.RunOnceAsync();

        var requests = await _receiver.WaitForAsync(2);
        Assert.Equal(requests[0].Id, requests[1].Id);
        Assert.NotEqual(requests[0].Timestamp, requests[1].Timestamp);
        var attempts = await AttemptsAsync(endpoint, 2);
        Assert.Equal([200, 500], attempts.Select(a => a.GetProperty("statusCode").GetInt32()));
        using var admin = _app.Admin();
        var delivery = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/webhooks/{endpoint}/deliveries")).EnumerateArray().Single();
        Assert.Equal(("delivered", 2), (delivery.GetProperty("status").GetString(), delivery.GetProperty("attempts").GetInt32()));
        Assert.Equal(JsonValueKind.Null, (await EndpointAsync(endpoint)).GetProperty("failingSince").ValueKind);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_is_a_failed_attempt_and_retried()
    {
        mode.Require();
        var (endpoint, _) = await RegisterAsync();
        _receiver.Respond = n => new WebhookReceiver.Answer(200, n == 1 ? TimeSpan.FromSeconds(5) : TimeSpan.Zero);

        await CompleteAsync("l1");
        var first = Assert.Single(await AttemptsAsync(endpoint, 1));
        _clock.Advance(TimeSpan.FromSeconds(6));
        await Dispatcher.RunOnceAsync();

        Assert.Equal(JsonValueKind.Null, first.GetProperty("statusCode").ValueKind);
        Assert.Contains("No answer within 1 s", first.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.InRange(first.GetProperty("durationMs").GetDouble(), 900, 4_000);
        Assert.Equal(200, (await AttemptsAsync(endpoint, 2))[0].GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        mode.Require();
        var (endpoint, _) = await RegisterAsync();
        _receiver.Respond = n => new WebhookReceiver.Answer(n == 1 ? 503 : 200, RetryAfter: n == 1 ? "600" : null);

        await CompleteAsync("l1");
        await AttemptsAsync(endpoint, 1);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await Dispatcher.RunOnceAsync();
        Assert.Single(_receiver.Requests);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await Dispatcher.RunOnceAsync();

        Assert.Equal(2, _receiver.Requests.Count);
    }

    [Fact]
    public async Task Gone_disables_the_endpoint_which_then_gets_nothing_more()
    {
        mode.Require();
        var (endpoint, _) = await RegisterAsync();
        _receiver.Respond = _ => new WebhookReceiver.Answer(410);

        await CompleteAsync("l1");
        await AttemptsAsync(endpoint, 1);
        await CompleteAsync("l2");
        _clock.Advance(TimeSpan.FromHours(30));
        await Dispatcher.RunOnceAsync();

        var state = await EndpointAsync(endpoint);
        Assert.False(state.GetProperty("enabled").GetBoolean());
        Assert.Contains("410", state.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task A_rotated_secret_and_the_previous_one_both_verify_and_redeliver_sends_the_same_id_again()
    {
        mode.Require();
        var (endpoint, oldSecret) = await RegisterAsync();
        using var admin = _app.Admin();
        var rotated = await (await admin.PostAsync($"/api/v1/admin/webhooks/{endpoint}/rotate", null)).JsonAsync();
        var newSecret = rotated.GetProperty("secret").GetString()!;

        await CompleteAsync("l1");
        var first = (await _receiver.WaitForAsync(1))[0];
        var redeliver = await admin.PostAsJsonAsync($"/api/v1/admin/webhooks/{endpoint}/redeliver", new { eventId = first.Id });
        var again = (await _receiver.WaitForAsync(2))[1];

        Assert.NotEqual(oldSecret, newSecret);
        var ts = long.Parse(first.Timestamp, CultureInfo.InvariantCulture);
        Assert.True(WebhookSignature.Verify(oldSecret, first.Id, ts, first.Body, first.Signature));
        Assert.True(WebhookSignature.Verify(newSecret, first.Id, ts, first.Body, first.Signature));
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        Assert.Equal((first.Id, first.Body), (again.Id, again.Body));
        // The listing never shows a secret.
        Assert.DoesNotContain(newSecret, await admin.GetStringAsync("/api/v1/admin/webhooks"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_api_lists_updates_disables_and_deletes()
    {
        mode.Require();
        var (endpoint, _) = await RegisterAsync();
        using var admin = _app.Admin();

        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/webhooks");
        var patched = await admin.PatchAsJsonAsync($"/api/v1/admin/webhooks/{endpoint}", new { enabled = false, eventTypes = StreakOnly });
        await CompleteAsync("l1");
        await Dispatcher.RunOnceAsync();
        var deleted = await admin.DeleteAsync($"/api/v1/admin/webhooks/{endpoint}");

        Assert.Contains(listed.EnumerateArray(), e => e.GetProperty("id").GetString() == endpoint);
        var state = await patched.JsonAsync();
        Assert.Equal((false, "Disabled by an administrator.", "streak.milestone"),
            (state.GetProperty("enabled").GetBoolean(), state.GetProperty("disabledReason").GetString(), state.GetProperty("eventTypes")[0].GetString()));
        Assert.Empty(_receiver.Requests);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await admin.GetAsync($"/api/v1/admin/webhooks/{endpoint}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync($"/api/v1/admin/webhooks/{endpoint}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_registrations_are_problems_and_learners_are_refused()
    {
        mode.Require();
        using var admin = _app.Admin();
        using var learner = _app.Learner(_user);
        using var integration = _app.ClientFor(TestTokens.Timeless("system-1", "integration"));

        var badUrl = await (await admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = "ftp://example.com/x" })).AssertProblemAsync(HttpStatusCode.BadRequest);
        var badType = await (await admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = "https://example.com/x", eventTypes = Unknown }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        var badRedeliver = await (await admin.PostAsJsonAsync($"/api/v1/admin/webhooks/{Guid.NewGuid()}/redeliver", new { eventId = Guid.NewGuid() }))
            .AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(["url"], badUrl.ErrorFields());
        Assert.Equal(["eventTypes"], badType.ErrorFields());
        Assert.Equal(["id"], badRedeliver.ErrorFields());
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.GetAsync("/api/v1/admin/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.GetAsync($"/api/v1/admin/webhooks/{Guid.NewGuid()}")).StatusCode);
        await (await admin.GetAsync("/api/v1/admin/webhooks/not-an-id")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = "https://example.com/x" })).StatusCode);
        Assert.Empty(await admin.GetFromJsonAsync<JsonElement[]>("/api/v1/admin/webhooks") ?? []);
    }

    private IWebhookStore Store => _app.Services.GetRequiredService<IWebhookStore>();

    /// <summary>An endpoint and one due delivery written straight to the store, for the lease facts below.</summary>
    private async Task<(WebhookEndpoint Endpoint, WebhookDelivery Delivery)> OwedAsync()
    {
        var now = _clock.GetUtcNow();
        var endpoint = new WebhookEndpoint(Guid.NewGuid(), _receiver.Url, LectureOnly, WebhookSignature.NewSecret(), null, null, true, null, now, null);
        await Store.CreateEndpointAsync(endpoint);
        var delivery = new WebhookDelivery(Guid.NewGuid(), endpoint.Id, Guid.NewGuid(), DeliveryStatus.Pending, 0, now, now);
        await Store.FanOutAsync([delivery], null);
        return (endpoint, delivery);
    }

    private DeliveryAttempt Attempt(WebhookDelivery delivery, int attempt, int status) =>
        new(delivery.Id, delivery.EndpointId, delivery.EventId, attempt, _clock.GetUtcNow(), status, null, 1);

    [Fact]
    public async Task A_record_from_a_holder_whose_lease_another_claim_took_is_refused_and_the_current_holders_state_stands()
    {
        mode.Require();
        var (endpoint, delivery) = await OwedAsync();
        var now = _clock.GetUtcNow();

        var stale = Assert.Single(await Store.ClaimDueAsync(now, TimeSpan.FromMilliseconds(1), 10));
        await Task.Delay(50); // the store's clock passes the first lease
        var current = Assert.Single(await Store.ClaimDueAsync(now, TimeSpan.FromMinutes(1), 10));
        var refusedBefore = await Store.RecordAttemptAsync(stale.Lease, Attempt(delivery, 1, 200), DeliveryStatus.Delivered, now, endpoint);
        var renewed = await Store.RenewLeaseAsync(delivery.Id, stale.Lease, TimeSpan.FromMinutes(1));
        var recorded = await Store.RecordAttemptAsync(current.Lease, Attempt(delivery, 1, 500), DeliveryStatus.Pending, now.AddSeconds(5),
            endpoint with { FailingSince = now });
        var refusedAfter = await Store.RecordAttemptAsync(stale.Lease, Attempt(delivery, 1, 200), DeliveryStatus.Delivered, now, endpoint);

        Assert.NotEqual(stale.Lease, current.Lease);
        Assert.Equal((false, false, true, false), (refusedBefore, renewed, recorded, refusedAfter));
        var stored = Assert.Single(await Store.ListDeliveriesAsync(endpoint.Id, 10));
        Assert.Equal((DeliveryStatus.Pending, 1, now.AddSeconds(5)), (stored.Status, stored.Attempts, stored.NextAttemptAt));
        Assert.Equal([500], (await Store.ListAttemptsAsync(endpoint.Id, 10)).Select(a => a.StatusCode));
        Assert.Equal(now, (await Store.GetEndpointAsync(endpoint.Id))!.FailingSince);
    }

    [Fact]
    public async Task A_lease_is_judged_by_the_stores_clock_so_a_caller_whose_clock_runs_ahead_cannot_take_a_held_delivery()
    {
        mode.Require();
        var (_, delivery) = await OwedAsync();
        var now = _clock.GetUtcNow();

        var held = Assert.Single(await Store.ClaimDueAsync(now, TimeSpan.FromMinutes(1), 10));
        var ahead = await Store.ClaimDueAsync(now.AddHours(1), TimeSpan.FromMinutes(1), 10);
        var renewed = await Store.RenewLeaseAsync(delivery.Id, held.Lease, TimeSpan.FromMinutes(1));

        Assert.Equal(delivery.Id, held.Delivery.Id);
        Assert.Empty(ahead);
        Assert.True(renewed);
    }

    [Fact]
    public async Task Two_dispatchers_over_one_store_never_send_a_delivery_twice_while_every_send_is_slow()
    {
        mode.Require();
        const int lectures = 20;
        var (endpoint, _) = await RegisterAsync();
        // Each answer comes late but inside the 1 s timeout, so a batch sent in turn takes far longer than one send.
        _receiver.Respond = _ => new WebhookReceiver.Answer(200, TimeSpan.FromMilliseconds(500));
        var course = await _app.CreateCourseAsync([.. Enumerable.Repeat(300.0, lectures)]);
        var services = _app.Services;
        // A second instance over the same store: the app's own dispatcher is the first.
        using var other = new WebhookDispatcher(services.GetRequiredService<IEventLog>(), Store, services.GetRequiredService<WebhookSender>(), _clock,
            services.GetRequiredService<IOptions<WebhookOptions>>(), NullLogger<WebhookDispatcher>.Instance);
        // The instances' clock moves as real time does, as it would outside a test: a frozen one would hide a lease judged by it.
        using var stop = new CancellationTokenSource();
        var ticking = Task.Run(async () =>
        {
            var last = Stopwatch.GetTimestamp();
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(20, CancellationToken.None);
                var tick = Stopwatch.GetTimestamp();
                _clock.Advance(Stopwatch.GetElapsedTime(last, tick));
                last = tick;
            }
        });

        try
        {
            using (var learner = _app.Learner(_user))
                for (var i = 1; i <= lectures; i++)
                    (await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = $"l{i}" })).EnsureSuccessStatusCode();
            // The first instance, nudged by the commits, is sending; the second joins while it is under way.
            await _receiver.WaitForAsync(2);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (_receiver.Requests.Select(r => r.Id).Distinct().Count() < lectures && DateTime.UtcNow < deadline)
            {
                await other.RunOnceAsync();
                await Task.Delay(50);
            }
            // A pass waits for the one in progress, so after these neither instance is still sending.
            await Dispatcher.RunOnceAsync();
            await other.RunOnceAsync();
        }
        finally
        {
            await stop.CancelAsync();
            await ticking;
        }

        var sent = _receiver.Requests.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(lectures, sent.Count);
        Assert.All(sent, s => Assert.Equal(1, s.Value));
        var deliveries = await Store.ListDeliveriesAsync(Guid.Parse(endpoint), 100);
        Assert.Equal(lectures, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal((DeliveryStatus.Delivered, 1), (d.Status, d.Attempts)));
    }
}

/// <summary>Embedded mode: the SQLite file's webhook tables.</summary>
public sealed class WebhookDeliveryTests() : WebhookDeliveryContract(new EmbeddedMode());

/// <summary>Production mode: redis-server and MongoDB's webhook collections (skipped with the reason when no MongoDB answers).</summary>
public sealed class MongoWebhookDeliveryTests(MongoServer mongo) : WebhookDeliveryContract(new MongoMode(mongo));
