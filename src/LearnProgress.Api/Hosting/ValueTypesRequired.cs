using System.Reflection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace LearnProgress.Api.Hosting;

/// <summary>
/// A property of a non-nullable value type is always in the JSON (an answer's count, a flag), so the document lists it
/// as required; Swashbuckle does that only for reference types.
/// </summary>
internal sealed class ValueTypesRequired : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties.Count: > 0 } concrete || context.Type.IsPrimitive) return;
        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var type = property.PropertyType;
            if (!type.IsValueType || Nullable.GetUnderlyingType(type) is not null) continue;
            var name = concrete.Properties!.Keys.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
            if (name is null) continue;
            concrete.Required ??= new HashSet<string>();
            concrete.Required.Add(name);
        }
    }
}
