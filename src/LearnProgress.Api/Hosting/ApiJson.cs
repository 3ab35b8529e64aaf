using System.Text.Json;
using System.Text.Json.Serialization;
using LearnProgress.Api.Progress;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Mvc;

namespace LearnProgress.Api.Hosting;

/// <summary>
/// Compile-time JSON contracts for the bodies on the ping and read paths, so they skip reflection-built metadata;
/// any other type falls back to the default resolver.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PingRequest))]
[JsonSerializable(typeof(BatchRequest))]
[JsonSerializable(typeof(Synced))]
[JsonSerializable(typeof(CompleteRequest))]
[JsonSerializable(typeof(Completed))]
[JsonSerializable(typeof(BatchResult))]
[JsonSerializable(typeof(CourseProgressView))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

public static class ApiJson
{
    public static IHostApplicationBuilder AddApiJson(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        return builder;
    }
}
