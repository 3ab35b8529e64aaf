using System.Net;
using System.Text.RegularExpressions;
using LearnProgress.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace LearnProgress.Tests.Api;

/// <summary>
/// The manifests under deploy/k8s against what the service serves: every file a kustomization names exists and parses,
/// the probes ask paths the app answers, the ports are the ones it listens on, every environment variable is a setting
/// docs/configuration.md documents, and the pod runs as a non-root user on a read-only root.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly string Root = Path.Combine(Repository.Root, "deploy", "k8s");

    private static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static IEnumerable<string> Manifests() =>
        Directory.EnumerateFiles(Root, "*.yaml", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "kustomization.yaml");

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node)[key];

    private static YamlSequenceNode Seq(YamlNode node, string key) => (YamlSequenceNode)((YamlMappingNode)node)[key];

    private static string Text(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node)[key]).Value!;

    private static YamlMappingNode Container() =>
        (YamlMappingNode)Seq(Map(Map(Map(Load(Path.Combine(Root, "base", "deployment.yaml")), "spec"), "template"), "spec"), "containers")[0];

    [Fact]
    public void Every_kustomization_names_files_that_exist_and_every_manifest_parses()
    {
        var kustomizations = Directory.EnumerateFiles(Root, "kustomization.yaml", SearchOption.AllDirectories).ToList();
        Assert.Equal(3, kustomizations.Count);
        foreach (var file in kustomizations)
        {
            var kustomization = Load(file);
            var named = Seq(kustomization, "resources").Select(r => ((YamlScalarNode)r).Value!)
                .Concat(kustomization.Children.ContainsKey("patches") ? Seq(kustomization, "patches").Select(p => Text(p, "path")) : []);
            foreach (var name in named)
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, name));
                Assert.True(File.Exists(target) || File.Exists(Path.Combine(target, "kustomization.yaml")), $"{file} names {name}, which does not exist");
            }
        }
        foreach (var manifest in Manifests())
        {
            var document = Load(manifest);
            Assert.False(string.IsNullOrEmpty(Text(document, "apiVersion")), manifest);
            Assert.Equal("learnprogress", Text(Map(document, "metadata"), "name").Split('-')[0]);
        }
    }

    [Fact]
    public async Task Probes_ask_paths_the_service_answers_on_the_port_it_listens_on()
    {
        var container = Container();
        var ports = Seq(container, "ports").ToDictionary(p => Text(p, "name"), p => int.Parse(Text(p, "containerPort"), System.Globalization.CultureInfo.InvariantCulture));
        var env = Seq(container, "env").ToDictionary(e => Text(e, "name"), e => ((YamlMappingNode)e).Children.ContainsKey("value") ? Text(e, "value") : null);
        Assert.Equal($"http://+:{ports["http"]};http://+:{ports["metrics"]}", env["ASPNETCORE_URLS"]);
        Assert.Equal(ports["metrics"].ToString(System.Globalization.CultureInfo.InvariantCulture), env["Metrics__Port"]);

        await using var app = new LearnProgressApp();
        using var client = app.ClientFor(null);
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            var get = Map(Map(container, probe), "httpGet");
            Assert.Equal("http", Text(get, "port"));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Text(get, "path"))).StatusCode);
        }
    }

    [Fact]
    public void Every_environment_variable_is_a_documented_setting()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "docs", "configuration.md"));
        var documented = SettingRow().Matches(readme).Select(m => m.Groups[1].Value.Replace(":", "__", StringComparison.Ordinal)).ToHashSet();
        var names = Manifests().Select(Load).Where(d => Text(d, "kind") == "Deployment")
            .Select(d => Map(Map(Map(d, "spec"), "template"), "spec")).Where(pod => pod.Children.ContainsKey("containers"))
            .SelectMany(pod => Seq(pod, "containers"))
            .SelectMany(c => Seq(c, "env")).Select(e => Text(e, "name")).Distinct().ToList();
        Assert.Contains("ConnectionStrings__Mongo", names);
        Assert.All(names.Where(n => !n.StartsWith("ASPNETCORE_", StringComparison.Ordinal)), n => Assert.Contains(n, documented));
    }

    [Fact]
    public void The_pod_runs_unprivileged_on_a_read_only_root_with_bounded_memory()
    {
        var pod = Map(Map(Map(Load(Path.Combine(Root, "base", "deployment.yaml")), "spec"), "template"), "spec");
        Assert.Equal("true", Text(Map(pod, "securityContext"), "runAsNonRoot"));
        var container = Container();
        var security = Map(container, "securityContext");
        Assert.Equal(("true", "false"), (Text(security, "readOnlyRootFilesystem"), Text(security, "allowPrivilegeEscalation")));
        Assert.False(string.IsNullOrEmpty(Text(Map(Map(container, "resources"), "limits"), "memory")));
        // A read-only root still needs somewhere to write: the data directory and /tmp are volumes.
        var mounts = Seq(container, "volumeMounts").Select(m => Text(m, "mountPath")).ToList();
        Assert.Contains("/tmp", mounts);
        Assert.Contains("/data", mounts);
    }

    [Fact]
    public async Task With_a_management_port_metrics_answer_there_only()
    {
        await using var app = new LearnProgressApp(settings: new() { ["Metrics:Port"] = "9464" });
        using var client = app.ClientFor(null);

        // Elsewhere it is an unknown route, which asks for a token like every other.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/metrics")).StatusCode);
        using var management = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        management.Headers.Host = "localhost:9464";
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(management)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    // A row of the configuration table (docs/configuration.md): | `Section:Key` | default | meaning |
    [GeneratedRegex(@"^\| `([A-Za-z]+:[A-Za-z:]+)`", RegexOptions.Multiline)]
    private static partial Regex SettingRow();
}
