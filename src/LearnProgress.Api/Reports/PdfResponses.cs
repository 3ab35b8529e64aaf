using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace LearnProgress.Api.Reports;

/// <summary>A response that may be a PDF documents it as bytes, not as the JSON body's schema it shares a status with.</summary>
public sealed class PdfResponses : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.Responses is null) return;
        foreach (var response in operation.Responses.Values)
            if (response.Content is { } content && content.ContainsKey(ReportsApi.PdfType))
                content[ReportsApi.PdfType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
    }
}
