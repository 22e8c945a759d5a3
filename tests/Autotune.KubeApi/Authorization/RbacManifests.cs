using YamlDotNet.RepresentationModel;

namespace Autotune.KubeApi.Authorization;

/// <summary>Reads RBAC objects (Role, ClusterRole and their bindings) from rendered manifests.</summary>
public static class RbacManifests
{
    /// <summary>The grants the manifests give a ServiceAccount: each bound role's rules, in the binding's namespace or cluster-wide.</summary>
    public static IReadOnlyList<RbacGrant> GrantsOf(string manifests, string serviceAccountNamespace, string serviceAccountName)
    {
        var documents = Documents(manifests);
        var roles = documents
            .Where(d => Kind(d) is "Role" or "ClusterRole")
            .ToDictionary(d => (Kind(d), Namespace(d) ?? string.Empty, Name(d)), Rules);
        var grants = new List<RbacGrant>();
        foreach (var binding in documents.Where(d => Kind(d) is "RoleBinding" or "ClusterRoleBinding"))
        {
            var bindsAccount = Sequence(binding, "subjects").OfType<YamlMappingNode>().Any(s =>
                Scalar(s, "kind") == "ServiceAccount" && Scalar(s, "name") == serviceAccountName && Scalar(s, "namespace") == serviceAccountNamespace);
            if (!bindsAccount || Child(binding, "roleRef") is not YamlMappingNode roleRef)
            {
                continue;
            }

            var clusterWide = Kind(binding) == "ClusterRoleBinding";
            var roleKind = Scalar(roleRef, "kind") ?? string.Empty;
            var roleNamespace = roleKind == "Role" ? Namespace(binding) ?? string.Empty : string.Empty;
            if (!roles.TryGetValue((roleKind, roleNamespace, Scalar(roleRef, "name") ?? string.Empty), out var rules))
            {
                continue;
            }

            var source = $"{Kind(binding)} {(clusterWide ? string.Empty : Namespace(binding) + "/")}{Name(binding)} -> {roleKind} {Scalar(roleRef, "name")}";
            grants.AddRange(rules.Select(r => new RbacGrant(r, clusterWide ? null : Namespace(binding), source)));
        }

        return grants;
    }

    /// <summary>The rules of a Role or ClusterRole document, or of an access file (a mapping with "rules").</summary>
    public static IReadOnlyList<PolicyRule> Rules(YamlMappingNode document) =>
        [.. Sequence(document, "rules").OfType<YamlMappingNode>().Select(r => new PolicyRule(
            Strings(r, "apiGroups"), Strings(r, "resources"), Strings(r, "verbs"), Child(r, "resourceNames") is null ? null : Strings(r, "resourceNames")))];

    /// <summary>The rules of the single YAML document in <paramref name="yaml"/> (e.g. kubernetes-access.yaml).</summary>
    public static IReadOnlyList<PolicyRule> RulesOf(string yaml) => Rules(Documents(yaml).Single());

    /// <summary>Every non-empty document of a multi-document YAML stream.</summary>
    public static IReadOnlyList<YamlMappingNode> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    private static string? Kind(YamlMappingNode d) => Scalar(d, "kind");

    private static string Name(YamlMappingNode d) => (Child(d, "metadata") is YamlMappingNode m ? Scalar(m, "name") : null) ?? string.Empty;

    private static string? Namespace(YamlMappingNode d) => Child(d, "metadata") is YamlMappingNode m ? Scalar(m, "namespace") : null;

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode map, string key) =>
        Child(map, key) is YamlSequenceNode seq ? seq.Children : [];

    private static List<string> Strings(YamlMappingNode map, string key) =>
        [.. Sequence(map, key).OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty)];
}
