using k8s.Models;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Autotune.Charts.Tests;

public sealed class RenderedManifestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Cases() => ChartCase.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Helm_lint_passes(string name)
    {
        var c = ChartCase.Named(name);

        var result = await ChartHelm.RunAsync(["lint", "--strict", c.Chart, "--namespace", c.Namespace, .. c.SetArguments()]);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("0 chart(s) failed", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_rendered_document_parses_strictly_into_its_kubernetes_type(string name)
    {
        var rendered = await Rendered.OfAsync(name);

        Assert.NotEmpty(rendered.Documents);
        foreach (var document in rendered.Documents.Where(d => d.Kind != "ApiTuning"))
        {
            var parsed = Assert.IsAssignableFrom<k8s.IKubernetesObject<V1ObjectMeta>>(StrictManifests.Parse(document));
            Assert.Equal(document.Name, parsed.Metadata.Name);
        }
    }

    [Fact]
    public async Task Strict_parsing_refuses_a_field_the_type_does_not_have()
    {
        var deployment = (await Rendered.OfAsync("default")).Single("Deployment");
        var misplaced = deployment with { Text = deployment.Text.Replace("  replicas: 1", "  replicas: 1\n  replica: 1", StringComparison.Ordinal) };
        var monitor = (await Rendered.OfAsync("monitoring")).Single("ServiceMonitor");
        var misspelt = monitor with { Text = monitor.Text.Replace("scrapeTimeout:", "scrapeTimeOut:", StringComparison.Ordinal) };

        Assert.NotEqual(deployment.Text, misplaced.Text);
        Assert.ThrowsAny<Exception>(() => StrictManifests.Parse(misplaced));
        Assert.NotEqual(monitor.Text, misspelt.Text);
        Assert.ThrowsAny<Exception>(() => StrictManifests.Parse(misspelt));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_pod_runs_restricted(string name)
    {
        var rendered = await Rendered.OfAsync(name);
        var templates = rendered.OfKind("Deployment").Select(d => StrictManifests.Parse<V1Deployment>(d).Spec.Template)
            .Concat(rendered.OfKind("StatefulSet").Select(d => StrictManifests.Parse<V1StatefulSet>(d).Spec.Template))
            .ToList();

        Assert.NotEmpty(templates);
        foreach (var pod in templates.Select(t => t.Spec))
        {
            Assert.True(pod.SecurityContext.RunAsNonRoot);
            Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
            Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
            foreach (var container in pod.Containers)
            {
                var security = container.SecurityContext;
                Assert.False(security.AllowPrivilegeEscalation, container.Name);
                Assert.True(security.ReadOnlyRootFilesystem, container.Name);
                Assert.Equal(["ALL"], security.Capabilities.Drop);
                Assert.Null(security.Capabilities.Add);
                Assert.NotNull(container.Resources?.Requests);
                Assert.NotNull(container.Resources?.Limits);
                Assert.NotNull(container.ReadinessProbe);
                Assert.NotNull(container.LivenessProbe);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Resources_are_named_from_the_release_fullname_and_carry_the_standard_labels(string name)
    {
        var rendered = await Rendered.OfAsync(name);
        var chart = Path.GetFileName(rendered.Case.Chart);
        var fullname = rendered.Case.Release.Contains(chart, StringComparison.Ordinal) ? rendered.Case.Release : $"{rendered.Case.Release}-{chart}";

        foreach (var document in rendered.Documents.Where(d => d.Kind != "CustomResourceDefinition"))
        {
            Assert.StartsWith(fullname, document.Name, StringComparison.Ordinal);
            if (document.Kind == "ApiTuning")
            {
                continue;
            }

            var labels = Yaml.Node(document.Root, "metadata", "labels") as YamlMappingNode;
            Assert.True(labels is not null, $"{document} has no labels");
            foreach (var key in new[] { "helm.sh/chart", "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by" })
            {
                Assert.True(Yaml.Scalar(labels, key) is { Length: > 0 }, $"{document} lacks the label {key}");
            }

            Assert.Equal(rendered.Case.Release, Yaml.Scalar(labels, "app.kubernetes.io/instance"));
            if (document.Kind is not ("ClusterRole" or "ClusterRoleBinding"))
            {
                Assert.True(document.Namespace is { Length: > 0 }, $"{document} has no namespace");
            }
        }
    }
}
