using FluentValidation;

namespace LearnProgress.Api.Hosting;

public static class Validation
{
    /// <summary>
    /// Validates the handler's <typeparamref name="T"/> argument with its FluentValidation validator before the
    /// handler runs; an invalid body is a 400 problem with field errors and the handler never sees it.
    /// </summary>
    public static TBuilder Validated<TBuilder, T>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            if (context.Arguments.OfType<T>().FirstOrDefault() is not { } argument) return await next(context);
            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<T>>();
            var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
            return result.IsValid ? await next(context) : TypedResults.Problem(Problems.Invalid(result.ToDictionary()));
        });

    public static RouteHandlerBuilder Validated<T>(this RouteHandlerBuilder builder) => builder.Validated<RouteHandlerBuilder, T>();
}
