using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Faults;

/// <summary>
/// A power loss takes what the drive holds only in its cache. Garnet writes its AOF with O_DIRECT and never syncs it, so
/// in embedded mode the buffer syncs it (<c>Storage:SyncToDisk</c>, on by default) after each call's COMMITAOF, before
/// the call's pings are answered. Traced with strace on the real process: pings sent one after another, each answered
/// before the next is sent, are each followed by a sync of the AOF; with the setting off, none is. The flush that
/// follows commits to SQLite with synchronous=FULL, which syncs the write-ahead log at each commit.
/// </summary>
public sealed partial class PowerLossTests
{
    private const int Pings = 20;

    [Fact]
    public async Task Each_acknowledged_call_syncs_the_append_only_file_to_disk()
    {
        var (syncs, aofWrites, walSyncs) = await TraceAsync(syncToDisk: true);
        FaultReport.Print($"power loss (embedded, Storage:SyncToDisk=true): {Pings} pings one after another, {syncs} syncs of the AOF, {aofWrites} AOF writes; " +
                          $"the flush: {walSyncs} syncs of SQLite's log");
        Assert.True(aofWrites >= Pings, $"only {aofWrites} writes to the AOF were traced");
        Assert.True(syncs >= Pings, $"{Pings} pings acknowledged one after another, but only {syncs} syncs of the AOF");
        Assert.True(walSyncs >= 1, "the flush committed without syncing SQLite's log");
    }

    [Fact]
    public async Task Without_the_setting_the_append_only_file_is_left_to_the_drive_cache()
    {
        var (syncs, aofWrites, walSyncs) = await TraceAsync(syncToDisk: false);
        Assert.True(aofWrites >= Pings, $"only {aofWrites} writes to the AOF were traced");
        Assert.Equal(0, syncs);
        // synchronous=NORMAL syncs the log only when a checkpoint copies it back or it starts over, not at each commit.
        Assert.True(walSyncs <= 1, $"{walSyncs} syncs of SQLite's log with synchronous=NORMAL");
    }

    private static async Task<(int Syncs, int AofWrites, int WalSyncs)> TraceAsync(bool syncToDisk)
    {
        if (!ServerRequirement.OnPath("strace"))
            ServerRequirement.Unavailable("strace is not installed (Debian package strace)");
        using var data = new TempDirectory();
        var trace = Path.Combine(data.Path, "strace.txt");
        string[] strace = ["strace", "-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,syncfs,pwrite64,pwritev,pwritev2", "-o", trace];
        var course = Unique.Id("c");
        var user = Unique.Id("u");
        await using (var service = await ServiceProcess.StartAsync(data.Path,
                         new Dictionary<string, string> { ["Storage__SyncToDisk"] = syncToDisk ? "true" : "false" }, strace))
        {
            using var admin = service.Client(TestTokens.Admin());
            (await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "Power" })).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/l1", new { title = "One", durationSeconds = 1_000 })).EnsureSuccessStatusCode();
            using var learner = service.Client(TestTokens.Learner(user));
            var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 600_000;
            for (var i = 1; i <= Pings; i++)
                (await learner.PostAsJsonAsync("/api/v1/progress/save",
                    new { courseId = course, lectureId = "l1", watchTime = i * 5, clientTs = start + i * 5_000L })).EnsureSuccessStatusCode();
            var flushed = await admin.PostAsync("/api/v1/admin/flush", null);
            flushed.EnsureSuccessStatusCode();
        }
        var lines = await File.ReadAllLinesAsync(trace);
        return (lines.Count(l => Sync().IsMatch(l)), lines.Count(l => AofWrite().IsMatch(l)), lines.Count(l => WalSync().IsMatch(l)));
    }

    /// <summary>An fsync or fdatasync of an AOF segment, or a syncfs through one (strace -y prints each descriptor's path).</summary>
    [GeneratedRegex(@"\b(fsync|fdatasync|syncfs)\(\d+</[^>]*/garnet/AOF/aof\.log\.\d+>\)\s*=\s*0")]
    private static partial Regex Sync();

    [GeneratedRegex(@"\b(fsync|fdatasync)\(\d+</[^>]*/learnprogress\.db-wal>\)\s*=\s*0")]
    private static partial Regex WalSync();

    [GeneratedRegex(@"\bpwrite(64|v|v2)?\(\d+</[^>]*/garnet/AOF/aof\.log\.\d+>")]
    private static partial Regex AofWrite();
}
