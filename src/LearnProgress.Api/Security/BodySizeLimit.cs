using LearnProgress.Api.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace LearnProgress.Api.Security;

/// <summary>
/// Caps request bodies at RequestLimits:MaxBodyBytes. A declared length over the cap is refused before anything reads
/// it; otherwise the server's own limit is lowered to the cap (Kestrel), and a server without one (the in-memory test
/// server) gets a body that refuses to read past it, so chunked bodies are capped too.
/// </summary>
internal sealed class BodySizeLimit(RequestDelegate next, IOptions<RequestLimitsOptions> options, IProblemDetailsService problems)
{
    private readonly long _limit = options.Value.MaxBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > _limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = Problems.Field(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", "$",
                    $"holds {context.Request.ContentLength} bytes; at most {_limit} are accepted."),
            });
            return;
        }

        var serverLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (serverLimit is { IsReadOnly: false }) serverLimit.MaxRequestBodySize = _limit;
        else if (serverLimit is null) context.Request.Body = new CappedStream(context.Request.Body, _limit);
        await next(context);
    }

    private sealed class CappedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // The same exception Kestrel throws for its own limit, so both end up as the same 413 problem.
        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
                throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
