namespace Autotune.KubeApi.Http;

/// <summary>
/// What a resource path names: /api/v1/namespaces/{ns}/{plural}/{name}/{subresource} and
/// /apis/{group}/{version}/..., namespaced or cluster-scoped, collection or single object.
/// </summary>
public sealed record RequestTarget(string Group, string Version, string Plural, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>Parses a resource path; null when the path is not one (discovery paths, unknown prefixes).</summary>
    public static RequestTarget? Parse(string path)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group;
        string version;
        int rest;
        if (segments is ["api", var coreVersion, _, ..])
        {
            (group, version, rest) = (string.Empty, coreVersion, 2);
        }
        else if (segments is ["apis", var apiGroup, var apiVersion, _, ..])
        {
            (group, version, rest) = (apiGroup, apiVersion, 3);
        }
        else
        {
            return null;
        }

        var tail = segments[rest..];
        if (tail is ["namespaces", var ns, var plural, ..] && plural is not ("status" or "finalize"))
        {
            return new(group, version, plural, ns, tail.ElementAtOrDefault(3), tail.ElementAtOrDefault(4));
        }

        return tail.Length > 3 ? null : new(group, version, tail[0], null, tail.ElementAtOrDefault(1), tail.ElementAtOrDefault(2));
    }
}
