using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;

namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>
/// Builds the images from the repository's Dockerfiles with the Docker engine, and loads them into the K3s node's
/// containerd (saved with the Docker API, copied into the node, imported with ctr), the way k3d imports images.
/// </summary>
internal static class K3sImages
{
    // The K3s node's containerd and the namespace the kubelet's images live in.
    private const string ContainerdSocket = "/run/k3s/containerd/containerd.sock";
    private const string KubeletNamespace = "k8s.io";

    /// <summary>Builds <paramref name="image"/> from its Dockerfile with the repository root as the build context.</summary>
    public static async Task BuildAsync(K3sImage image, CancellationToken cancellationToken)
    {
        var context = KubeTestCluster.RepoPath(K3sInstall.BuildContext);
        var future = new ImageFromDockerfileBuilder()
            .WithName(image.Name)
            .WithContextDirectory(context)
            .WithDockerfileDirectory(context)
            .WithDockerfile(image.Dockerfile)
            .Build();
        await future.CreateAsync(cancellationToken);
    }

    /// <summary>Saves the images from the Docker engine into one archive and imports it into the node's containerd.</summary>
    public static async Task LoadAsync(IContainer node, IReadOnlyList<K3sImage> images, CancellationToken cancellationToken)
    {
        var archive = new FileInfo(Path.Combine(Path.GetTempPath(), $"autotune-k3s-images-{Guid.NewGuid():N}.tar"));
        try
        {
            using (var docker = TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(Guid.NewGuid()).Build())
            await using (var saved = await docker.Images.SaveImagesAsync([.. images.Select(i => i.Name)], cancellationToken))
            await using (var file = archive.Create())
            {
                await saved.CopyToAsync(file, cancellationToken);
            }

            const string target = "/tmp";
            await node.CopyAsync(archive, target, ct: cancellationToken);
            var imported = await CtrAsync(node, cancellationToken, "images", "import", $"{target}/{archive.Name}");
            if (imported.ExitCode != 0)
            {
                throw new InvalidOperationException($"ctr images import failed ({imported.ExitCode}): {imported.Stderr}{imported.Stdout}");
            }

            // Only disk space in a throwaway node: its exit code does not matter.
            _ = await node.ExecAsync(["rm", "-f", $"{target}/{archive.Name}"], cancellationToken);
            var listed = await CtrAsync(node, cancellationToken, "images", "list", "--quiet");
            var names = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

            // docker save names an image without a registry docker.io/library/<name>, as the kubelet resolves it.
            var missing = images.Where(i => !names.Any(n => n == i.Name || n.EndsWith("/" + i.Name, StringComparison.Ordinal))).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"after the import the node's containerd lacks {string.Join(", ", missing.Select(i => i.Name))}; it has: {string.Join(", ", names)}");
            }
        }
        finally
        {
            archive.Delete();
        }
    }

    private static Task<ExecResult> CtrAsync(IContainer node, CancellationToken cancellationToken, params string[] arguments) =>
        node.ExecAsync(["ctr", "--address", ContainerdSocket, "--namespace", KubeletNamespace, .. arguments], cancellationToken);
}
