using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Faults;

/// <summary>
/// 5,000 generated ping bodies, most of them broken in some way: none gets a 5xx, and a request that is refused
/// writes nothing (each case pings as a learner of its own, whose buffer must stay empty).
/// </summary>
public sealed class FuzzTests : IAsyncLifetime
{
    private const int Cases = 5_000;
    private readonly LearnProgressApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static readonly string[] Oddities =
    [
        "null", "true", "\"\"", "\"42\"", "-1", "1e308", "1e400", "-0", "0.0000001", "\"NaN\"", "\"Infinity\"", "[]", "{}", "[1,2]",
        "\"" + new string('x', 5_000) + "\"", "\"\\u0000\"", "\"c:{b1}\"", "\"é\"", "9223372036854775807", "18446744073709551616",
        "\"2026-11-23T12:00:00Z\"", "{\"$gt\":\"\"}", "\"../../etc\"",
    ];

    private static readonly string[] Fields = ["courseId", "lectureId", "watchTime", "duration", "clientTs", "segmentStart", "segmentStartTs", "sessionId"];

    [Fact]
    public async Task Generated_bodies_never_get_a_5xx_and_refused_ones_write_nothing()
    {
        var course = await _app.CreateCourseAsync(600, 300);
        var random = new Random(5_000);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var statuses = new Dictionary<int, int>();
        var writtenByRefused = new List<string>();
        var prefix = Unique.Id("fz");
        for (var i = 0; i < Cases; i++)
        {
            var user = $"{prefix}-{i}";
            var (path, body, contentType) = Generate(random, course, now);
            using var client = _app.Learner(user);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            var response = await client.PostAsync(path, content);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 300 && ((await _app.Buffer.ReadCoursesAsync(user)).Count > 0 || (await _app.Buffer.ReadActivityAsync(user)).Count > 0))
                writtenByRefused.Add($"{status} {path} {Encoding.UTF8.GetString(body)[..Math.Min(200, body.Length)]}");
        }
        FaultReport.Print($"fuzz: {Cases} bodies, answers {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; " +
                          $"{statuses.Where(s => s.Key >= 500).Sum(s => s.Value)} 5xx, {writtenByRefused.Count} refused requests wrote something");
        Assert.DoesNotContain(statuses.Keys, s => s >= 500);
        Assert.Empty(writtenByRefused);
        Assert.True(statuses.GetValueOrDefault(200) > Cases / 20, "some bodies were valid, so the write path ran too");
    }

    private static (string Path, byte[] Body, string ContentType) Generate(Random random, string course, long now)
    {
        string Ping()
        {
            var fields = new List<(string Name, string Value)>
            {
                ("courseId", $"\"{course}\""), ("lectureId", random.Next(4) == 0 ? "\"l2\"" : "\"l1\""),
                ("watchTime", (random.NextDouble() * 300).ToString("0.###", CultureInfo.InvariantCulture)),
                ("clientTs", (now - random.Next(0, 60_000)).ToString(CultureInfo.InvariantCulture)),
            };
            if (random.Next(2) == 0) fields.Add(("segmentStart", "0"));
            if (random.Next(3) == 0) fields.Add(("sessionId", "\"s1\""));
            switch (random.Next(8))
            {
                case 0: break;   // valid
                case 1: fields.RemoveAt(random.Next(fields.Count)); break;
                case 2:
                    var field = Fields[random.Next(Fields.Length)];
                    fields.RemoveAll(f => f.Name == field);
                    fields.Add((field, Oddities[random.Next(Oddities.Length)]));
                    break;
                case 3: fields.Add((Fields[random.Next(Fields.Length)], Oddities[random.Next(Oddities.Length)])); break;   // a repeated key
                case 4: fields.Add(("unknown" + random.Next(3), Oddities[random.Next(Oddities.Length)])); break;
                case 5: fields.Add(("watchTime", "600.5")); break;
                case 6: fields.Add(("segmentStartTs", (now + 10_000_000).ToString(CultureInfo.InvariantCulture))); break;
                default:
                    fields[random.Next(fields.Count)] = (fields[random.Next(fields.Count)].Name, Oddities[random.Next(Oddities.Length)]);
                    break;
            }
            return "{" + string.Join(",", fields.OrderBy(_ => random.Next()).Select(f => $"\"{f.Name}\":{f.Value}")) + "}";
        }

        var batch = random.Next(3) == 0;
        var text = batch ? "{\"pings\":[" + string.Join(",", Enumerable.Range(0, random.Next(0, 6) == 0 ? random.Next(0, 130) : random.Next(1, 5)).Select(_ => Ping())) + "]}" : Ping();
        var bytes = Encoding.UTF8.GetBytes(text);
        switch (random.Next(12))
        {
            case 0: bytes = bytes[..random.Next(bytes.Length)]; break;                            // cut short
            case 1: bytes[random.Next(bytes.Length)] = (byte)random.Next(0x80, 0x100); break;    // not UTF-8
            case 2: bytes = Encoding.UTF8.GetBytes(new string('[', random.Next(10, 200)) + text); break;
            case 3: random.NextBytes(bytes); break;
        }
        var contentType = random.Next(40) == 0 ? "text/plain" : "application/json";
        return (batch ? "/api/v1/progress/batch" : "/api/v1/progress/save", bytes, contentType);
    }
}
