using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace LearnProgress.Api.Hosting;

/// <summary>
/// Documents the answers every route can give besides its own: the problem responses that come from the pipeline
/// rather than the handler. Each rule mirrors where the answer comes from, so a route gets exactly what it can answer:
/// 400 when it reads parameters or a body (binding and validation), 413 when it may carry a body and 415 when it reads one, 404 when its
/// path names something, 401 unless it is anonymous, 403 when it asks for a role or a learner, 429 from the rate
/// limits (anonymous callers everywhere, pings per learner) and 503 while the store or buffer cannot answer, each
/// of the last two with Retry-After. A handler's own problems (404 of an unknown quiz, 409 of a reused id) are
/// declared on the route with ProducesProblem.
/// </summary>
public sealed class ProblemResponses : IOperationFilter
{
    public const string ProblemJson = "application/problem+json";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var api = context.ApiDescription;
        var metadata = api.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var roles = metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null)
            || metadata.OfType<LearnerOnly>().Any();
        var hasBody = api.ParameterDescriptions.Any(p => p.Source == BindingSource.Body);
        var hasInput = hasBody || api.ParameterDescriptions.Any(p => p.Source == BindingSource.Query || p.Source == BindingSource.Path);
        var namesSomething = api.ParameterDescriptions.Any(p => p.Source == BindingSource.Path);

        if (hasInput) Add(400, "The request is malformed or invalid; `errors` names each field.");
        if (!anonymous) Add(401, "No valid bearer token.");
        if (roles) Add(403, "The token lacks the role this route asks for, or its subject cannot be a learner id.");
        if (namesSomething) Add(404, "Nothing with that id (or nothing the caller may see).");
        // Any request may carry a body; one over RequestLimits:MaxBodyBytes is refused before routing reads it.
        if (hasBody || api.HttpMethod is "POST" or "PUT" or "PATCH") Add(413, "The request body is too large.");
        if (hasBody) Add(415, "The request body must be application/json.");
        Add(429, "Too many requests; try again after Retry-After seconds.", retryAfter: true);
        Add(503, "The store or the buffer cannot answer now; try again after Retry-After seconds. Nothing was changed.", retryAfter: true);
        // Problems a handler declares itself get the same schema.
        foreach (var (status, declared) in operation.Responses!.ToList())
            if (status.StartsWith('4') || status.StartsWith('5'))
                Add(int.Parse(status, CultureInfo.InvariantCulture), declared.Description ?? "A problem.");

        void Add(int status, string description, bool retryAfter = false)
        {
            var key = status.ToString(CultureInfo.InvariantCulture);
            operation.Responses ??= [];
            if (!operation.Responses.TryGetValue(key, out var existing) || existing is not OpenApiResponse response)
            {
                response = new OpenApiResponse { Description = description };
                operation.Responses[key] = response;
            }
            response.Content ??= new Dictionary<string, IOpenApiMediaType>();
            response.Content.Clear();
            response.Content[ProblemJson] = new OpenApiMediaType
            {
                Schema = context.SchemaGenerator.GenerateSchema(typeof(HttpValidationProblemDetails), context.SchemaRepository),
            };
            if (!retryAfter) return;
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before trying again.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
            };
        }
    }
}

/// <summary>Marks a route whose token must name a learner (see <c>RequireLearner</c>): it can answer 403.</summary>
public sealed class LearnerOnly;
