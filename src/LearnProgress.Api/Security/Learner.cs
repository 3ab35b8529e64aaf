using System.Security.Claims;
using LearnProgress.Core.Progress;

namespace LearnProgress.Api.Security;

/// <summary>The learner is the token's subject, never a body or URL value.</summary>
public static class Learner
{
    public static string Id(this ClaimsPrincipal user) => user.FindFirstValue(AuthExtensions.SubjectClaim)!;

    /// <summary>Refuses tokens whose subject cannot serve as a learner id, before any handler runs.</summary>
    public static TBuilder RequireLearner<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Hosting.LearnerOnly()).AddEndpointFilter(async (context, next) =>
            Ids.IsValid(context.HttpContext.User.FindFirstValue(AuthExtensions.SubjectClaim))
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                    title: "The token's subject cannot be used as a learner id.",
                    detail: $"The 'sub' claim must be {Ids.Rule}."));
}
