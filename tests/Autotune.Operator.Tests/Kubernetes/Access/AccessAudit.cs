using Autotune.KubeApi.Authorization;

namespace Autotune.Operator.Tests.Kubernetes.Access;

/// <summary>Compares what RBAC grants the operator with what its tests saw it request.</summary>
internal static class AccessAudit
{
    /// <summary>The minimum a reason must say: a word is not a reason.</summary>
    public const int ShortestReason = 20;

    /// <summary>
    /// Every finding, empty when the grants are exactly what is needed: a right granted that no test used and that is
    /// not listed with a reason; a listed right that is used after all (the listing is stale), that no rule grants, or
    /// whose reason is missing; and every request that was refused.
    /// </summary>
    public static IReadOnlyList<string> Findings(
        IReadOnlyCollection<Permission> granted,
        IReadOnlyDictionary<Permission, IReadOnlyList<string>> used,
        IReadOnlyDictionary<Permission, string> unexercised,
        IEnumerable<string> refused)
    {
        var findings = new List<string>();
        findings.AddRange(refused.Select(r => $"refused to the operator: {r}"));
        findings.AddRange(granted.Where(p => !used.ContainsKey(p) && !unexercised.ContainsKey(p))
            .Select(p => $"granted but used by no test and not listed under unexercised with a reason: {p}"));
        foreach (var (permission, reason) in unexercised)
        {
            if (used.TryGetValue(permission, out var tests))
            {
                findings.Add($"listed under unexercised but used by {tests[0]}: {permission}");
            }

            if (!granted.Contains(permission))
            {
                findings.Add($"listed under unexercised but granted by no rule: {permission}");
            }

            if (reason.Trim().Length < ShortestReason)
            {
                findings.Add($"listed under unexercised without a reason that says why: {permission}");
            }
        }

        return findings;
    }
}
