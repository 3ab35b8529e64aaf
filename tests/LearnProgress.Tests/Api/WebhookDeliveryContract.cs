using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Api.Webhooks;
using LearnProgress.Core.Webhooks;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
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
}

/// <summary>Embedded mode: the SQLite file's webhook tables.</summary>
public sealed class WebhookDeliveryTests() : WebhookDeliveryContract(new EmbeddedMode());

/// <summary>Production mode: redis-server and MongoDB's webhook collections (skipped with the reason when no MongoDB answers).</summary>
public sealed class MongoWebhookDeliveryTests(MongoServer mongo) : WebhookDeliveryContract(new MongoMode(mongo));
