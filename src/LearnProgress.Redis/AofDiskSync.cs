using System.Runtime.InteropServices;

namespace LearnProgress.Redis;

/// <summary>
/// Makes what Garnet committed to its append-only file reach stable storage. Garnet writes the AOF with
/// <c>O_DIRECT</c>, past the kernel's page cache but not past the drive's volatile cache, and never calls
/// <c>fsync</c>: its device code takes <c>O_DSYNC</c> only as an internal opt-in that no server option sets
/// (Tsavorite's <c>LinuxFileExtensions.OpenDirect</c>, <c>dsync: false</c> from <c>RandomAccessLocalStorageDevice</c>).
/// So after <c>COMMITAOF</c> the buffer calls <see cref="Sync"/>, once per grouped call.
/// </summary>
/// <remarks>
/// The AOF is a run of segment files (<c>AOF/aof.log.N</c>, the newest written) and, in Garnet's fast-commit mode, commit
/// metadata under <c>AOF/log-commits</c>, written once every thousand commits; recovery reads the newest metadata and
/// scans the log after it for commit records. Each sync is an <c>fsync</c> of the newest segment. When either directory
/// changed since the last sync (a new segment, metadata, a truncation), it is a <c>syncfs</c> of the file system instead,
/// which also makes the new files' directory entries and the metadata durable. A checkpoint truncates the AOF only once
/// it is complete; the journal commit of that deletion flushes the drive's cache first (ext4 and XFS with their default
/// barriers), so the checkpoint is on stable storage before the AOF behind it is gone.
/// </remarks>
internal sealed class AofDiskSync(string checkpointDirectory) : IDisposable
{
    private readonly string _segments = Path.Combine(checkpointDirectory, "AOF");
    private readonly string _commits = Path.Combine(checkpointDirectory, "AOF", "log-commits");
    private readonly Lock _lock = new();
    private FileStream? _newest;
    private string? _newestPath;
    private DateTime _segmentsChanged;
    private DateTime _commitsChanged;

    public void Sync()
    {
        lock (_lock)
        {
            if (!Directory.Exists(_segments)) return;
            var segmentsChanged = Directory.GetLastWriteTimeUtc(_segments);
            var commitsChanged = Directory.Exists(_commits) ? Directory.GetLastWriteTimeUtc(_commits) : default;
            if (_newest is null || segmentsChanged != _segmentsChanged || commitsChanged != _commitsChanged)
            {
                OpenNewest();
                SyncFileSystem();
                (_segmentsChanged, _commitsChanged) = (segmentsChanged, commitsChanged);
                return;
            }
            _newest.Flush(flushToDisk: true);
        }
    }

    private void OpenNewest()
    {
        var newest = Directory.EnumerateFiles(_segments, "aof.log.*")
            .Select(path => (Path: path, Number: long.TryParse(Path.GetExtension(path).AsSpan(1), out var n) ? n : -1))
            .Where(s => s.Number >= 0)
            .OrderByDescending(s => s.Number)
            .Select(s => s.Path)
            .FirstOrDefault();
        if (newest == _newestPath) return;
        _newest?.Dispose();
        _newest = null;
        _newestPath = newest;
        if (newest is not null)
            _newest = new FileStream(newest, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
    }

    /// <summary><c>syncfs</c> on Linux; elsewhere an <c>fsync</c> of the newest segment is what there is.</summary>
    private void SyncFileSystem()
    {
        if (_newest is null) return;
        if (OperatingSystem.IsLinux() && syncfs(_newest.SafeFileHandle.DangerousGetHandle().ToInt32()) == 0) return;
        _newest.Flush(flushToDisk: true);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int syncfs(int fd);

    public void Dispose()
    {
        lock (_lock) _newest?.Dispose();
    }
}
