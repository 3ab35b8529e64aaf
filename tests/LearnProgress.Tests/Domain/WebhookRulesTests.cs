using LearnProgress.Core.Webhooks;

namespace LearnProgress.Tests.Domain;

/// <summary>Signatures, the retry schedule and when an endpoint is given up on.</summary>
public sealed class WebhookRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    // The test vector published with the Standard Webhooks specification.
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = """{"test": 2432232314}""";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static WebhookEndpoint Endpoint(DateTimeOffset? failingSince = null) =>
        new(Guid.NewGuid(), "https://example.com/hook", [], WebhookSignature.NewSecret(), null, null, true, null, Now, failingSince);

    [Fact]
    public void Signing_reproduces_the_specification_test_vector()
    {
        Assert.Equal(SpecSignature, WebhookSignature.Sign(SpecSecret, SpecId, SpecTimestamp, SpecBody));
        Assert.True(WebhookSignature.Verify(SpecSecret, SpecId, SpecTimestamp, SpecBody, "v1,bm9wZQ== " + SpecSignature));
        Assert.False(WebhookSignature.Verify(SpecSecret, SpecId, SpecTimestamp + 1, SpecBody, SpecSignature));
        Assert.False(WebhookSignature.Verify(SpecSecret, SpecId, SpecTimestamp, SpecBody + " ", SpecSignature));
    }

    [Fact]
    public void New_secrets_are_whsec_with_enough_key()
    {
        var secret = WebhookSignature.NewSecret();
        Assert.True(WebhookSignature.IsValidSecret(secret));
        Assert.NotEqual(secret, WebhookSignature.NewSecret());
        Assert.False(WebhookSignature.IsValidSecret("whsec_"));
        Assert.False(WebhookSignature.IsValidSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }

    [Fact]
    public void During_a_rotation_both_secrets_sign_and_afterwards_only_the_new_one()
    {
        var endpoint = Endpoint() with { PreviousSecret = SpecSecret, PreviousSecretExpiresAt = Now.AddHours(1) };
        var header = WebhookSignature.Header(endpoint.SigningSecrets(Now), "id", 1, "{}");

        Assert.True(WebhookSignature.Verify(SpecSecret, "id", 1, "{}", header));
        Assert.True(WebhookSignature.Verify(endpoint.Secret, "id", 1, "{}", header));
        Assert.Equal([endpoint.Secret], endpoint.SigningSecrets(Now.AddHours(2)));
    }

    [Fact]
    public void Retries_follow_the_schedule_with_bounded_jitter_and_then_stop()
    {
        Assert.Equal(TimeSpan.FromSeconds(4.5), RetrySchedule.Next(1, null, 0));
        Assert.Equal(TimeSpan.FromSeconds(5), RetrySchedule.Next(1, null, 0.5));
        Assert.Equal(TimeSpan.FromMinutes(5), RetrySchedule.Next(2, null, 0.5));
        Assert.Equal(TimeSpan.FromHours(26.4), RetrySchedule.Next(9, null, 1.0));
        Assert.Null(RetrySchedule.Next(10, null, 0.5));
        var total = Enumerable.Range(1, 9).Aggregate(TimeSpan.Zero, (sum, n) => sum + RetrySchedule.Next(n, null, 0.5)!.Value);
        Assert.InRange(total.TotalHours, 72, 84);
    }

    [Fact]
    public void Retry_after_postpones_a_retry_but_never_beyond_a_day()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), RetrySchedule.Next(1, TimeSpan.FromMinutes(10), 0.5));
        Assert.Equal(TimeSpan.FromSeconds(5), RetrySchedule.Next(1, TimeSpan.FromSeconds(1), 0.5));
        Assert.Equal(TimeSpan.FromHours(24), RetrySchedule.Next(1, TimeSpan.FromDays(3), 0.5));
    }

    [Fact]
    public void Gone_disables_the_endpoint_at_once()
    {
        var outcome = DeliveryRules.Decide(Endpoint(), 1, new AttemptResult(410, null, null), Now, 0.5);

        Assert.Equal(DeliveryStatus.Failed, outcome.Status);
        Assert.True(outcome.DisableEndpoint);
        Assert.Contains("410", outcome.DisabledReason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_endpoint_failing_for_days_is_disabled_and_says_since_when()
    {
        var failing = Endpoint(failingSince: Now.AddDays(-5));

        var outcome = DeliveryRules.Decide(failing, 3, new AttemptResult(500, null, null), Now, 0.5);
        var young = DeliveryRules.Decide(Endpoint(failingSince: Now.AddDays(-4)), 3, new AttemptResult(500, null, null), Now, 0.5);

        Assert.True(outcome.DisableEndpoint);
        Assert.Contains("2026-03-05", outcome.DisabledReason, StringComparison.Ordinal);
        Assert.False(young.DisableEndpoint);
        Assert.Equal(DeliveryStatus.Pending, young.Status);
        Assert.Equal(Now.AddMinutes(30), young.NextAttemptAt);
    }

    [Fact]
    public void Success_clears_the_failing_mark()
    {
        var outcome = DeliveryRules.Decide(Endpoint(failingSince: Now.AddDays(-1)), 2, new AttemptResult(204, null, null), Now, 0.5);

        Assert.Equal(DeliveryStatus.Delivered, outcome.Status);
        Assert.Null(outcome.FailingSince);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(60)]
    public void A_claims_lease_covers_its_whole_batch_sent_in_turn_and_a_sends_lease_outlasts_the_send(int timeoutSeconds)
    {
        var timeout = TimeSpan.FromSeconds(timeoutSeconds);

        var claim = DeliveryLeases.ForClaim(timeout, DeliveryLeases.ClaimBatch);
        var send = DeliveryLeases.ForSend(timeout);

        Assert.True(claim > timeout * DeliveryLeases.ClaimBatch, $"{claim} does not cover {DeliveryLeases.ClaimBatch} sends of {timeout}.");
        Assert.True(send > timeout && send <= claim, $"{send} for a send of {timeout}.");
    }
}
