using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Docs;

/// <summary>
/// The docs a newcomer reads: every relative link and anchor resolves, and every shell example marked
/// <c>&lt;!-- example: run --&gt;</c> runs, in order, against a real embedded service started as `dotnet run` starts
/// it (Development: its token endpoint), with any HTTP error failing the example.
/// </summary>
public sealed partial class DocsTests
{
    public const string RunMarker = "<!-- example: run -->";
    private const string DevelopmentBase = "http://localhost:5006";

    /// <summary>README first (the tour the others build on), then docs/ by name, then the SDK's README.</summary>
    public static IReadOnlyList<string> Pages()
    {
        var root = Repository.Root;
        var docs = Directory.Exists(Path.Combine(root, "docs"))
            ? Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        return [Path.Combine(root, "README.md"), .. docs, Path.Combine(root, "src", "player", "README.md")];
    }

    [Fact]
    public void Every_relative_link_and_anchor_resolves()
    {
        var broken = new List<string>();
        foreach (var page in Pages())
        {
            var text = File.ReadAllText(page);
            foreach (Match link in Link().Matches(WithoutCode(text)))
            {
                var target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var file = hash < 0 ? target : target[..hash];
                var anchor = hash < 0 ? null : target[(hash + 1)..];
                var resolved = file.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(file)));
                var where = $"{Path.GetRelativePath(Repository.Root, page)}: ({target})";
                if (!File.Exists(resolved) && !Directory.Exists(resolved)) broken.Add($"{where} — no such file");
                else if (anchor is not null && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(resolved)).Contains(anchor))
                    broken.Add($"{where} — no heading with that anchor");
            }
        }
        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void The_anchors_are_GitHubs()
    {
        var anchors = Anchors("## Production mode (Redis + MongoDB)\n### Real-time push\n## API (v1)\n```\n## not a heading\n```\n");
        Assert.Equal(["production-mode-redis--mongodb", "real-time-push", "api-v1"], anchors);
    }

    [Fact]
    public async Task The_marked_shell_examples_run_against_the_embedded_service()
    {
        foreach (var tool in new[] { "curl", "jq" })
            if (!ServerRequirement.OnPath(tool)) ServerRequirement.Unavailable($"{tool} is not installed; the examples use it");
        var script = new StringBuilder();
        script.AppendLine("set -eo pipefail");
        // An HTTP error fails the example, as a reader would notice it.
        script.AppendLine("curl() { command curl --fail-with-body --show-error \"$@\"; }");
        var blocks = 0;
        foreach (var page in Pages())
            foreach (var block in MarkedBlocks(File.ReadAllText(page)))
            {
                blocks++;
                script.AppendLine(CultureInfo.InvariantCulture, $"echo '--- {Path.GetRelativePath(Repository.Root, page)} example {blocks}' >&2");
                script.AppendLine(block);
            }
        Assert.True(blocks > 0, "no example is marked to run");

        using var data = new TempDirectory();
        await using var service = await ServiceProcess.StartAsync(data.Path, new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        var text = script.ToString().Replace(DevelopmentBase, service.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal);
        var (code, output, error) = await RunAsync("bash", ["-c", text]);
        Assert.True(code == 0, $"an example failed (exit {code}):\n{error}\n--- output\n{output}");
    }

    /// <summary>The bodies of the ```bash blocks right after a run marker.</summary>
    public static IEnumerable<string> MarkedBlocks(string markdown)
    {
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            if (lines[i].Trim() != RunMarker || !lines[i + 1].TrimStart().StartsWith("```bash", StringComparison.Ordinal)) continue;
            var indent = lines[i + 1].Length - lines[i + 1].TrimStart().Length;
            var body = new List<string>();
            for (i += 2; i < lines.Length && lines[i].Trim() != "```"; i++) body.Add(lines[i].Length >= indent ? lines[i][indent..] : lines[i]);
            yield return string.Join('\n', body);
        }
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered.</summary>
    public static List<string> Anchors(string markdown)
    {
        var anchors = new List<string>();
        foreach (var line in WithoutCode(markdown).Split('\n'))
        {
            var heading = Heading().Match(line);
            if (!heading.Success) continue;
            var text = InlineLink().Replace(heading.Groups["text"].Value.Trim(), "${text}").Replace("`", "", StringComparison.Ordinal);
            var slug = new string(text.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');
            var unique = slug;
            for (var n = 1; anchors.Contains(unique); n++) unique = $"{slug}-{n}";
            anchors.Add(unique);
        }
        return anchors;
    }

    private static string WithoutCode(string markdown) => Fence().Replace(markdown, "");

    private static async Task<(int Code, string Output, string Error)> RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"(?<!\!)\[(?<text>[^\]]*)\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\([^)]*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*```.*?^\s*```[^\n]*$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Fence();
}
