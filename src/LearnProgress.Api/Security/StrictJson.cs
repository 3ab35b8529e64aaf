using System.Text;
using System.Text.Json;
using LearnProgress.Api.Hosting;
using Microsoft.Extensions.Options;

namespace LearnProgress.Api.Security;

/// <summary>
/// Reads every JSON body once before binding and refuses, as a 400 problem, one that is not valid UTF-8 anywhere or
/// that repeats a key in any object. The serializer alone would let both through for keys it does not bind: it
/// compares unknown property names as raw bytes and skips them, so invalid UTF-8 or a repeated unknown key would be
/// dropped without a word. Keys are compared without regard to case, as binding does, so no repeat of a known field
/// under another case can overwrite it either. Malformed JSON is left to the binder, which names the byte at fault.
/// </summary>
internal sealed class StrictJson(RequestDelegate next, IOptions<RequestLimitsOptions> limits, IProblemDetailsService problems)
{
    private readonly int _maxDepth = limits.Value.MaxJsonDepth;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HasJsonBody(context.Request))
        {
            await next(context);
            return;
        }

        // The body is already capped at RequestLimits:MaxBodyBytes, so holding it whole is bounded.
        var body = new MemoryStream(context.Request.ContentLength is { } length ? (int)length : 1024);
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);

        if (Check(bytes.Span, _maxDepth) is { } fault)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = Problems.Field(StatusCodes.Status400BadRequest, "The request body could not be read.", fault.Field, fault.Error),
            });
            return;
        }

        body.Position = 0;
        context.Request.Body = body;
        await next(context);
    }

    private static bool HasJsonBody(HttpRequest request) =>
        request.ContentLength != 0 && request.ContentType is { } type &&
        (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ||
         type.Contains("+json", StringComparison.OrdinalIgnoreCase));

    internal readonly record struct Fault(string Field, string Error);

    internal static Fault? Check(ReadOnlySpan<byte> json, int maxDepth)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
            return new Fault("$", $"The body is not valid UTF-8 (byte {FirstInvalidByte(json) + 1}).");

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token is not (JsonTokenType.PropertyName or JsonTokenType.EndObject or JsonTokenType.EndArray) &&
                    frames.Count > 0 && frames[^1].Keys is null)
                    frames[^1].Index++;
                switch (token)
                {
                    case JsonTokenType.StartObject:
                        frames.Add(new Frame { Keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase) });
                        break;
                    case JsonTokenType.StartArray:
                        frames.Add(new Frame());
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        // GetString also refuses escapes that decode to lone surrogates (not Unicode text).
                        var frame = frames[^1];
                        frame.Name = null;
                        frame.Name = reader.GetString()!;
                        if (!frame.Keys!.Add(frame.Name))
                            return new Fault(PathOf(frames), "This key appears more than once in its object.");
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        _ = reader.GetString();
                        break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            return new Fault(PathOf(frames), $"This string or key is escaped into text that is not valid Unicode (byte {reader.TokenStartIndex + 1}).");
        }
        catch (JsonException)
        {
            // Malformed or too deep: the binder reports it with the position.
        }
        return null;
    }

    private sealed class Frame
    {
        public HashSet<string>? Keys;
        public string? Name;
        public int Index = -1;
    }

    /// <summary>The field as validation errors name it: <c>pings[3].clientTs</c>.</summary>
    private static string PathOf(List<Frame> frames)
    {
        var path = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.Keys is null)
            {
                if (frame.Index >= 0) path.Append('[').Append(frame.Index).Append(']');
            }
            else if (frame.Name is not null)
            {
                if (path.Length > 0) path.Append('.');
                path.Append(frame.Name);
            }
        }
        return path.Length == 0 ? "$" : path.ToString();
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> json)
    {
        var decoded = 0;
        while (decoded < json.Length)
        {
            var result = Rune.DecodeFromUtf8(json[decoded..], out _, out var consumed);
            if (result != System.Buffers.OperationStatus.Done) return decoded;
            decoded += consumed;
        }
        return decoded;
    }
}
