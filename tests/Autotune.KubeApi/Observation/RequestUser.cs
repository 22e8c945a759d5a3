namespace Autotune.KubeApi.Observation;

/// <summary>
/// The user of the request being handled, for the store to attribute each change to (<see cref="Store.StoreChange.User"/>):
/// set by the router once the request is authenticated, and flowing with the request's own async context only.
/// </summary>
internal static class RequestUser
{
    private static readonly AsyncLocal<string?> CurrentUser = new();

    /// <summary>The user of the request handled on this async flow; null outside a request (a test writing to the store).</summary>
    public static string? Current
    {
        get => CurrentUser.Value;
        set => CurrentUser.Value = value;
    }
}
