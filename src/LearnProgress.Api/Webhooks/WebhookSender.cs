using System.Diagnostics;
using System.Globalization;
using System.Text;
using LearnProgress.Core.Events;
using LearnProgress.Core.Telemetry;
using LearnProgress.Core.Webhooks;
using Microsoft.Extensions.Options;

namespace LearnProgress.Api.Webhooks;

/// <summary>One signed POST of an event to an endpoint, with its outcome; never throws for the receiver's faults.</summary>
public sealed class WebhookSender(HttpClient http, IOptions<WebhookOptions> options, TimeProvider time)
{
    public const string HttpClientName = "webhooks";

    public async Task<(AttemptResult Result, TimeSpan Duration)> SendAsync(WebhookEndpoint endpoint, LearningEvent e, CancellationToken ct)
    {
        var body = e.ToJson();
        var now = time.GetUtcNow();
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        var id = e.Id.ToString();
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Header(endpoint.SigningSecrets(now), id, timestamp, body));
        request.Headers.UserAgent.ParseAdd("LearnProgress-Webhooks/1");

        using var span = ProgressTracing.Source.StartActivity(ProgressTracing.WebhookDelivery, ActivityKind.Internal);
        span?.SetTag("learnprogress.webhook.endpoint", endpoint.Id);
        span?.SetTag("learnprogress.event.type", e.Type);
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return (new AttemptResult((int)response.StatusCode, null, RetryAfter(response, now)), watch.Elapsed);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (new AttemptResult(null, $"No answer within {options.Value.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.", null), watch.Elapsed);
        }
        catch (HttpRequestException ex)
        {
            return (new AttemptResult(null, ex.InnerException as PrivateNetworkException is { } refused ? refused.Message : ex.Message, null), watch.Elapsed);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when date > now => date - now,
        _ => null,
    };
}
