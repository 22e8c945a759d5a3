using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Autotune.Engine.Resource.Spec.Yaml;

/// <summary>
/// Reads ApiTuning resources from the YAML a user would <c>kubectl apply</c> (one or more documents), strictly:
/// every unknown field, wrong type or missing required field is reported with its line and field path. Local mode
/// reads its ApiTuning this way; validate each spec with <c>SpecValidator</c> afterwards.
/// </summary>
public static class ApiTuningYaml
{
    /// <summary>The apiVersion of the resource.</summary>
    public const string ApiVersion = "autotune.dev/v1alpha1";

    /// <summary>The kind of the resource.</summary>
    public const string Kind = "ApiTuning";

    private static readonly string[] TopLevelFields = ["apiVersion", "kind", "metadata", "spec", "status"];

    /// <summary>Reads every ApiTuning in a YAML text.</summary>
    public static YamlLoadResult Load(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var problems = new List<YamlProblem>();
        var documents = new List<ApiTuningDocument>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            problems.Add(new YamlProblem((int)e.Start.Line, (int)e.Start.Column, "(yaml)", $"not valid YAML: {e.Message}"));
            return new YamlLoadResult { Documents = documents, Problems = problems };
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this (without a position) on some unterminated flow collections.
            problems.Add(new YamlProblem(0, 0, "(yaml)", $"not valid YAML: {e.Message} (an unclosed {{ or [?)"));
            return new YamlLoadResult { Documents = documents, Problems = problems };
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            var before = problems.Count;
            var read = ReadDocument(document.RootNode, problems);
            if (read is not null && problems.Count == before)
            {
                documents.Add(read);
            }
        }

        return new YamlLoadResult { Documents = documents, Problems = problems };
    }

    private static ApiTuningDocument? ReadDocument(YamlNode root, List<YamlProblem> problems)
    {
        if (root is not YamlMappingNode map)
        {
            problems.Add(At(root, "(document)", "expected an ApiTuning resource (apiVersion, kind, metadata, spec)"));
            return null;
        }

        foreach (var key in map.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } field } || !TopLevelFields.Contains(field))
            {
                problems.Add(At(key, (key as YamlScalarNode)?.Value ?? "(key)", $"unknown field; the fields here are {string.Join(", ", TopLevelFields)}"));
            }
        }

        var apiVersion = Text(map, "apiVersion");
        var kind = Text(map, "kind");
        if (apiVersion != ApiVersion || kind != Kind)
        {
            problems.Add(At(map, "apiVersion/kind", $"expected apiVersion {ApiVersion} and kind {Kind}, got {apiVersion ?? "none"} and {kind ?? "none"}"));
            return null;
        }

        var name = ReadMetadata(map, problems, out var @namespace);
        if (!map.Children.TryGetValue(new YamlScalarNode("spec"), out var specNode))
        {
            problems.Add(At(map, "spec", "is required; add it"));
            return null;
        }

        var spec = new YamlBinder(problems).BindObject(specNode, typeof(ApiTuningSpec), "spec") as ApiTuningSpec;
        return spec is null || name is null
            ? null
            : new ApiTuningDocument { Name = name, Namespace = @namespace, Spec = spec, Line = (int)map.Start.Line };
    }

    private static string? ReadMetadata(YamlMappingNode map, List<YamlProblem> problems, out string? @namespace)
    {
        @namespace = null;
        if (!map.Children.TryGetValue(new YamlScalarNode("metadata"), out var node) || node is not YamlMappingNode metadata)
        {
            problems.Add(At(map, "metadata", "is required, with a name; add metadata: { name: ... }"));
            return null;
        }

        @namespace = Text(metadata, "namespace");
        var name = Text(metadata, "name");
        if (string.IsNullOrEmpty(name))
        {
            problems.Add(At(metadata, "metadata.name", "is required; add it"));
        }

        return name;
    }

    private static string? Text(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    private static YamlProblem At(YamlNode node, string field, string message) =>
        new((int)node.Start.Line, (int)node.Start.Column, field, message);
}
