namespace Autotune.KubeApi.Authorization;

/// <summary>
/// A user the server knows by a bearer token, as kube-apiserver's static token file maps a token to a user: its name
/// and what authorises it. No authoriser means a member of system:masters, allowed everything (a cluster admin).
/// </summary>
public sealed record KubeUser(string Name, RbacAuthorizer? Authorizer = null)
{
    /// <summary>The name of a request that carries no credentials.</summary>
    public const string Anonymous = "system:anonymous";

    /// <summary>A cluster admin (system:masters): every request is allowed.</summary>
    public static KubeUser Admin(string name = "kubernetes-admin") => new(name);

    /// <summary>The user an RBAC authoriser decides for, e.g. system:serviceaccount:autotune-system:autotune.</summary>
    public static KubeUser Of(RbacAuthorizer authorizer) => new(authorizer.User, authorizer);
}
