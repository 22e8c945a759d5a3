using k8s;

namespace Autotune.KubeApi.Tests;

/// <summary>A raw GET through the client's own HTTP pipeline, for discovery documents.</summary>
internal static class ClientExtensions
{
    public static async Task<string> GetAsync(this Kubernetes client, string url, CancellationToken cancellationToken)
    {
        using var response = await client.HttpClient.GetAsync(new Uri(url), cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
