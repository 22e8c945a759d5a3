using System.Globalization;
using Autotune.Contracts;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes.Machinery;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Adapters;

/// <summary>
/// RollingRestart: the settings become env vars on the Deployment's pod template, so the Deployment rolls its
/// pods. Minimum threads use the runtime's own <c>DOTNET_ThreadPool_ForceMinWorkerThreads</c>, which the runtime
/// reads as a HEXADECIMAL number (written here as <c>0x…</c>, see docs/kubernetes.md); the pool size goes to the env
/// var the spec names (<c>apply.poolSizeEnvVar</c>), in decimal; the shedding deadline goes to the agent's
/// <c>AUTOTUNE_SHED_AFTER_MS</c>, so pods the rollout starts shed what waited past the objective from their first
/// request. The tuning generation is kept in a pod-template annotation so the delivered settings can be read back
/// (from the controller's cache of Deployments when given). The Deployment is read and patched only while it opts in
/// to <paramref name="apiTuning"/> (<see cref="OptIn"/>).
/// </summary>
public sealed class PodTemplateEnvApplier(IKubernetes client, string @namespace, string deployment, string apiTuning, string? poolSizeEnvVar, IWorkloadCache? cache = null) : ISettingsApplier
{
    /// <inheritdoc />
    public async Task<TuningFile?> ReadAsync(CancellationToken cancellationToken)
    {
        var target = cache?.Deployment(@namespace, deployment)
            ?? await client.AppsV1.ReadNamespacedDeploymentAsync(deployment, @namespace, cancellationToken: cancellationToken);
        OptIn.Require(target.Metadata, "Deployment", @namespace, deployment, "spec.targetRef", apiTuning);
        var container = Container(target);
        var threads = ParseMinThreads(Env(container, KubernetesNames.ForceMinWorkerThreads));
        var pool = poolSizeEnvVar is null ? null : ParseDecimal(Env(container, poolSizeEnvVar));
        var shedAfter = ParseDecimal(Env(container, AgentEnvironment.ShedAfterMilliseconds));
        var generationText = KubernetesNames.Lookup(target.Spec.Template.Metadata?.Annotations, KubernetesNames.TuningGeneration);
        if (threads is null && pool is null && generationText is null)
        {
            return null;
        }

        return new TuningFile(long.TryParse(generationText, NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : 0, threads, pool,
            ShedAfterMilliseconds: shedAfter is > 0 ? shedAfter : null);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(TuningFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Validate() is { } error)
        {
            throw new ArgumentException($"refusing to apply an invalid tuning: {error}", nameof(file));
        }

        if (file.DbMaxPoolSize is not null && poolSizeEnvVar is null)
        {
            throw new SafeFailureException(ConditionReasons.ReconcileFailed, "the pool size cannot be applied by RollingRestart: spec.apply.poolSizeEnvVar names no env var");
        }

        for (var attempt = 0; ; attempt++)
        {
            var target = await client.AppsV1.ReadNamespacedDeploymentAsync(deployment, @namespace, cancellationToken: cancellationToken);
            OptIn.Require(target.Metadata, "Deployment", @namespace, deployment, "spec.targetRef", apiTuning);
            var patch = new PodTemplatePatch(target.Metadata, target.Spec.Template, KubernetesNames.Lookup(target.Metadata.Annotations, KubernetesNames.Container));
            if (file.ThreadPoolMinThreads is { } threads)
            {
                patch.SetEnv(KubernetesNames.ForceMinWorkerThreads, FormatMinThreads(threads));
            }

            if (file.DbMaxPoolSize is { } pool)
            {
                patch.SetEnv(poolSizeEnvVar!, pool.ToString(CultureInfo.InvariantCulture));
            }

            if (file.ShedAfterMilliseconds is { } shedAfter)
            {
                patch.SetEnv(AgentEnvironment.ShedAfterMilliseconds, shedAfter.ToString(CultureInfo.InvariantCulture));
            }

            patch.SetTemplateAnnotation(KubernetesNames.TuningGeneration, file.Generation.ToString(CultureInfo.InvariantCulture));
            if (!patch.HasChanges)
            {
                return;
            }

            try
            {
                await client.AppsV1.PatchNamespacedDeploymentAsync(patch.ToPatch(), deployment, @namespace, cancellationToken: cancellationToken);
                return;
            }
            catch (Exception ex) when (KubeErrors.IsConflict(ex) && attempt < 2)
            {
                // The Deployment changed between read and patch: recompute against the new version.
            }
        }
    }

    /// <summary>
    /// The value of DOTNET_ThreadPool_ForceMinWorkerThreads for <paramref name="threads"/>: the runtime parses CLR
    /// config DWORDs from the environment as hexadecimal, so 100 threads is <c>0x64</c> (a bare "100" would be 256).
    /// </summary>
    public static string FormatMinThreads(int threads) => string.Create(CultureInfo.InvariantCulture, $"0x{threads:x}");

    /// <summary>Reads DOTNET_ThreadPool_ForceMinWorkerThreads the way the runtime does: hexadecimal, with or without 0x.</summary>
    public static int? ParseMinThreads(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var digits = value.Trim();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[2..];
        }

        return int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var threads) ? threads : null;
    }

    private static int? ParseDecimal(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    private static V1Container Container(V1Deployment target)
    {
        var pod = target.Spec.Template.Spec ?? throw new InvalidOperationException($"Deployment {target.Metadata.Name} has no pod template");
        return pod.Containers[PodTemplatePatch.ContainerIndex(pod, KubernetesNames.Lookup(target.Metadata.Annotations, KubernetesNames.Container), target.Metadata.Name)];
    }

    private static string? Env(V1Container container, string name) => container.Env?.FirstOrDefault(e => e.Name == name)?.Value;
}
