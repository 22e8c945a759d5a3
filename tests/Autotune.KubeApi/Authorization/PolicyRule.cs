namespace Autotune.KubeApi.Authorization;

/// <summary>
/// One RBAC rule as a Role or ClusterRole states it: API groups, resources (a subresource as "deployments/scale"),
/// verbs and optionally resource names; "*" matches anything, as in RBAC.
/// </summary>
public sealed record PolicyRule(IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> Verbs, IReadOnlyList<string>? ResourceNames = null)
{
    /// <summary>Whether the rule allows <paramref name="verb"/> on the resource (with its subresource) of the group, named <paramref name="name"/>.</summary>
    public bool Allows(string verb, string group, string resource, string? name) =>
        (ApiGroups.Contains("*") || ApiGroups.Contains(group))
        && (Resources.Contains("*") || Resources.Contains(resource))
        && (Verbs.Contains("*") || Verbs.Contains(verb))
        && (ResourceNames is not { Count: > 0 } || (name is not null && ResourceNames.Contains(name)));

    /// <summary>Every (verb, group, resource) the rule grants, expanded.</summary>
    public IEnumerable<Permission> Permissions() =>
        from g in ApiGroups from r in Resources from v in Verbs select new Permission(v, g, r);

    /// <inheritdoc />
    public override string ToString() =>
        $"apiGroups [{string.Join(", ", ApiGroups.Select(g => $"\"{g}\""))}] resources [{string.Join(", ", Resources)}] verbs [{string.Join(", ", Verbs)}]"
        + (ResourceNames is { Count: > 0 } ? $" resourceNames [{string.Join(", ", ResourceNames)}]" : string.Empty);
}

/// <summary>One verb on one resource (with its subresource) of one API group.</summary>
public sealed record Permission(string Verb, string Group, string Resource)
{
    /// <inheritdoc />
    public override string ToString() => $"{Verb} {Resource}" + (Group.Length == 0 ? string.Empty : $".{Group}");
}

/// <summary>A rule bound to the subject: in one namespace (a RoleBinding) or everywhere (a ClusterRoleBinding, <see cref="Namespace"/> null).</summary>
public sealed record RbacGrant(PolicyRule Rule, string? Namespace, string Source);

/// <summary>What a request asks to do, in RBAC's terms.</summary>
public sealed record AccessRequest(string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name)
{
    /// <summary>The resource as rules name it: "deployments" or "deployments/scale".</summary>
    public string RuleResource => Subresource is null ? Resource : $"{Resource}/{Subresource}";
}
