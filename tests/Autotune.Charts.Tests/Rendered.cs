using System.Collections.Concurrent;
using Autotune.KubeApi.Authorization;
using YamlDotNet.RepresentationModel;

namespace Autotune.Charts.Tests;

/// <summary>A chart case rendered by helm template (CRDs included): the whole output and each document.</summary>
public sealed class Rendered
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<Rendered>>> Cache = new();

    private Rendered(ChartCase chartCase, string manifests)
    {
        Case = chartCase;
        Manifests = manifests;
        Documents = [.. manifests.Split("\n---", StringSplitOptions.RemoveEmptyEntries)
            .Select(text => text.Trim('-', '\n', ' '))
            .Where(text => text.Split('\n').Any(line => line.Length > 0 && !line.StartsWith('#')))
            .Select(text => new RenderedDocument(text, RbacManifests.Documents(text).Single()))];
    }

    public ChartCase Case { get; }

    public string Manifests { get; }

    public IReadOnlyList<RenderedDocument> Documents { get; }

    /// <summary>Renders a case once per test run (helm is the slow part).</summary>
    public static async Task<Rendered> OfAsync(string caseName)
    {
        await ChartHelm.RequireAsync();
        return await Cache.GetOrAdd(caseName, name => new Lazy<Task<Rendered>>(async () =>
        {
            var c = ChartCase.Named(name);
            var manifests = await Helm.TemplateAsync(c.Chart, c.Release, c.Namespace, c.Values, includeCrds: true);
            return new Rendered(c, manifests);
        })).Value;
    }

    public IEnumerable<RenderedDocument> OfKind(string kind) => Documents.Where(d => d.Kind == kind);

    public RenderedDocument Single(string kind) => Xunit.Assert.Single(OfKind(kind));
}

/// <summary>One rendered document: its text and its YAML tree.</summary>
public sealed record RenderedDocument(string Text, YamlMappingNode Root)
{
    public string Kind => Yaml.Scalar(Root, "kind") ?? string.Empty;

    public string ApiVersion => Yaml.Scalar(Root, "apiVersion") ?? string.Empty;

    public string Name => Yaml.Scalar(Root, "metadata", "name") ?? string.Empty;

    public string? Namespace => Yaml.Scalar(Root, "metadata", "namespace");

    public override string ToString() => $"{ApiVersion}/{Kind} {Namespace}/{Name}";
}
