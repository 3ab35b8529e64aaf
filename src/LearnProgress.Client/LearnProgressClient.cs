using LearnProgress.Client.Api;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace LearnProgress.Client;

/// <summary>
/// Builds the generated <see cref="LearnProgressApiClient"/> with what a document cannot say: where the bearer token
/// comes from (asked for on each request, so a provider can refresh it), and Retry-After: Kiota's retry handler waits
/// as a 429 or 503 asks, up to <c>maxRetries</c> times, before the problem reaches the caller as
/// <see cref="Api.Models.HttpValidationProblemDetails"/>.
/// </summary>
public static class LearnProgressClient
{
    /// <summary>A client over its own HttpClient, with Kiota's default handlers (retry, redirect, compression).</summary>
    public static LearnProgressApiClient Create(Uri baseUrl, Func<CancellationToken, Task<string>> token, int maxRetries = 3) =>
        Create(WithBase(KiotaClientFactory.Create(Handlers(maxRetries)), baseUrl), token);

    /// <summary>A client over a caller's HttpClient (its BaseAddress is the service); build that client with
    /// <see cref="Handlers"/> to get the retries.</summary>
    public static LearnProgressApiClient Create(HttpClient http, Func<CancellationToken, Task<string>> token)
    {
        ArgumentNullException.ThrowIfNull(http);
        var adapter = new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new TokenProvider(token, http.BaseAddress)), httpClient: http)
        {
            BaseUrl = http.BaseAddress?.ToString().TrimEnd('/'),
        };
        return new LearnProgressApiClient(adapter);
    }

    /// <summary>Kiota's default handlers, retrying 429 and 503 after their Retry-After, outermost first; the body is buffered last.</summary>
    public static IList<DelegatingHandler> Handlers(int maxRetries = 3) =>
        [.. KiotaClientFactory.CreateDefaultHandlers(Options(maxRetries)), new BufferedBody()];

    private static Microsoft.Kiota.Abstractions.IRequestOption[] Options(int maxRetries) =>
        [new RetryHandlerOption { MaxRetry = maxRetries, ShouldRetry = (_, _, response) => (int)response.StatusCode is 429 or 503 }];

    private static HttpClient WithBase(HttpClient http, Uri baseUrl)
    {
        http.BaseAddress = baseUrl;
        return http;
    }

    /// <summary>A retry copies the body of the request it repeats; a transport that reads the body without rewinding it
    /// (an in-process test server, for one) would leave that copy empty, so the body is buffered before it is sent.</summary>
    private sealed class BufferedBody : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content) await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class TokenProvider(Func<CancellationToken, Task<string>> token, Uri? host) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new(host is null ? [] : [host.Host]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
            CancellationToken cancellationToken = default) => token(cancellationToken);
    }
}
