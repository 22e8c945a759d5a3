using System.Text;
using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.KubeApi.Tests;

public sealed class SecretTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StringData_is_merged_into_data_and_never_stored()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "pg-admin" },
            Data = new Dictionary<string, byte[]> { ["user"] = Encoding.UTF8.GetBytes("old"), ["keep"] = Encoding.UTF8.GetBytes("k") },
            StringData = new Dictionary<string, string> { ["user"] = "autotune", ["connectionString"] = "Host=db" },
        }, cluster.Namespace, cancellationToken: Ct);

        var stored = await cluster.Client.CoreV1.ReadNamespacedSecretAsync("pg-admin", cluster.Namespace, cancellationToken: Ct);
        Assert.Null(stored.StringData);
        Assert.Equal("Opaque", stored.Type);
        Assert.Equal(["autotune", "k", "Host=db"], new[] { "user", "keep", "connectionString" }.Select(k => Encoding.UTF8.GetString(stored.Data[k])));

        await cluster.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"stringData":{"connectionString":"Host=db2"}}""", V1Patch.PatchType.MergePatch), "pg-admin", cluster.Namespace, cancellationToken: Ct);
        var patched = await cluster.Client.CoreV1.ReadNamespacedSecretAsync("pg-admin", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal("Host=db2", Encoding.UTF8.GetString(patched.Data["connectionString"]));
        Assert.Null(patched.StringData);
    }
}
