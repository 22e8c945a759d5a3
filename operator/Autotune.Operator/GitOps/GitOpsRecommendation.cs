using System.Globalization;
using System.Text;
using Autotune.Contracts;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Adapters;

namespace Autotune.Operator.GitOps;

/// <summary>Which settings of an ApiTuning's status go into git.</summary>
public enum RecommendationSource
{
    /// <summary><c>status.recommended</c> when it holds a value (Recommend mode), else <c>status.current</c>.</summary>
    Auto,

    /// <summary><c>status.recommended</c>: what the operator would set.</summary>
    Recommended,

    /// <summary><c>status.current</c>: what is in force (Auto mode), so git stops reverting it.</summary>
    Current,
}

/// <summary>The operator's settings as changes a user commits: a kustomize patch and a Helm values snippet.</summary>
/// <param name="Source">Where the values came from, in words.</param>
/// <param name="Values">The values, only for the knobs the spec manages.</param>
/// <param name="Kustomize">A strategic-merge patch of the target (empty when nothing goes on it).</param>
/// <param name="HelmValues">Helm values at the given paths (empty when no knob has a path).</param>
/// <param name="Notes">What the patch and the values cannot carry, and how to set it.</param>
public sealed record GitOpsPatch(string Source, KnobValues Values, string Kustomize, string HelmValues, IReadOnlyList<string> Notes);

/// <summary>
/// Renders an ApiTuning's settings for git (docs/gitops.md). The patch sets the target's replicas and, as env vars
/// read at start, the runtime's minimum worker threads (<c>DOTNET_ThreadPool_ForceMinWorkerThreads</c>, in the hex the
/// runtime parses) and the pool size (the env var <c>spec.apply.poolSizeEnvVar</c> names); max_connections is the
/// database's configuration. Only knobs the spec manages are written: committing the others would pin settings nobody
/// asked to tune.
/// </summary>
public static class GitOpsRecommendation
{
    /// <summary>The value paths of this repository's sample-stack chart.</summary>
    public static IReadOnlyDictionary<Knob, string> SampleStackValues { get; } = new Dictionary<Knob, string>
    {
        [Knob.Replicas] = "api.replicas",
        [Knob.DbMaxPoolSize] = "api.initialMaxPoolSize",
        [Knob.PostgresMaxConnections] = "postgres.maxConnections",
    };

    /// <summary>The patch and values for <paramref name="tuning"/>; throws <see cref="InvalidOperationException"/> naming what is missing.</summary>
    public static GitOpsPatch Render(ApiTuningResource tuning, RecommendationSource from, string? container, IReadOnlyDictionary<Knob, string> helmPaths)
    {
        ArgumentNullException.ThrowIfNull(tuning);
        ArgumentNullException.ThrowIfNull(helmPaths);
        var spec = tuning.Spec ?? throw new InvalidOperationException("the ApiTuning has no spec");
        var (picked, source) = Pick(tuning.Status, from, tuning.Key);
        var values = Managed(picked, spec.Knobs);
        if (values is { Replicas: null, ThreadPoolMinThreads: null, DbMaxPoolSize: null, PostgresMaxConnections: null })
        {
            throw new InvalidOperationException($"{source} of ApiTuning {tuning.Key} holds no value for a knob its spec manages: nothing to commit yet");
        }

        var notes = new List<string>();
        var kustomize = Kustomize(tuning, spec, values, container ?? spec.TargetRef.Name, notes);
        var helm = Helm(values, helmPaths, notes);
        if (values.PostgresMaxConnections is { } mc)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"max_connections {mc}: set it in the database's configuration in git (postgresql.conf, the chart's value, or ALTER SYSTEM SET max_connections = {mc}); it takes effect at the next restart"));
        }

        return new GitOpsPatch(source, values, kustomize, helm, notes);
    }

    /// <summary>The whole answer as the command prints it: notes and sections as YAML comments, each section valid YAML.</summary>
    public static string Format(GitOpsPatch patch, bool kustomize, bool helm)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var text = new StringBuilder();
        text.Append("# autotune recommend: ").Append(patch.Source).Append('\n');
        foreach (var note in patch.Notes)
        {
            text.Append("# ").Append(note).Append('\n');
        }

        if (kustomize && patch.Kustomize.Length > 0)
        {
            text.Append("# --- kustomize: save as a file and list it under `patches:` in kustomization.yaml ---\n").Append(patch.Kustomize);
        }

        if (helm && patch.HelmValues.Length > 0)
        {
            text.Append("# --- Helm values: merge into your values file ---\n").Append(patch.HelmValues);
        }

        return text.ToString();
    }

    private static (KnobValues Values, string Source) Pick(ApiTuningStatus? status, RecommendationSource from, string key)
    {
        var recommended = status?.Recommended;
        var current = status?.Current;
        var useRecommended = from == RecommendationSource.Recommended
            || (from == RecommendationSource.Auto && recommended is not { Replicas: null, ThreadPoolMinThreads: null, DbMaxPoolSize: null, PostgresMaxConnections: null } && recommended is not null);
        return useRecommended
            ? (recommended ?? throw new InvalidOperationException($"ApiTuning {key} has no status.recommended (the operator writes it in Recommend mode)"), $"status.recommended of ApiTuning {key}")
            : (current ?? throw new InvalidOperationException($"ApiTuning {key} has no status.current yet (the operator writes it after its first window)"), $"status.current of ApiTuning {key}");
    }

    private static KnobValues Managed(KnobValues values, KnobsSpec knobs) => new()
    {
        Replicas = knobs.Replicas is null ? null : values.Replicas,
        ThreadPoolMinThreads = knobs.ThreadPoolMinThreads is null ? null : values.ThreadPoolMinThreads,
        DbMaxPoolSize = knobs.DbMaxPoolSize is null ? null : values.DbMaxPoolSize,
        PostgresMaxConnections = knobs.PostgresMaxConnections is null ? null : values.PostgresMaxConnections,
    };

    private static string Kustomize(ApiTuningResource tuning, ApiTuningSpec spec, KnobValues values, string container, List<string> notes)
    {
        var env = new List<(string Name, string Value)>();
        if (values.ThreadPoolMinThreads is { } threads)
        {
            env.Add((AgentEnvironment.RuntimeMinWorkerThreads, PodTemplateEnvApplier.FormatMinThreads(threads)));
        }

        if (values.DbMaxPoolSize is { } pool)
        {
            if (spec.Apply.PoolSizeEnvVar is { } variable)
            {
                env.Add((variable, pool.ToString(CultureInfo.InvariantCulture)));
            }
            else
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"pool size {pool}: not in the patch, because spec.apply.poolSizeEnvVar names no env var; set Maximum Pool Size={pool} in the connection string the app reads, or a Helm value below"));
            }
        }

        if (values.Replicas is null && env.Count == 0)
        {
            return string.Empty;
        }

        var yaml = new StringBuilder();
        yaml.Append("apiVersion: apps/v1\n");
        yaml.Append("kind: ").Append(spec.TargetRef.Kind).Append('\n');
        yaml.Append("metadata:\n  name: ").Append(spec.TargetRef.Name).Append('\n');
        if (tuning.Metadata.NamespaceProperty is { Length: > 0 } ns)
        {
            yaml.Append("  namespace: ").Append(ns).Append('\n');
        }

        yaml.Append("spec:\n");
        if (values.Replicas is { } replicas)
        {
            yaml.Append("  replicas: ").Append(replicas.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        if (env.Count > 0)
        {
            yaml.Append("  template:\n    spec:\n      containers:\n        - name: ").Append(container).Append("\n          env:\n");
            foreach (var (name, value) in env)
            {
                yaml.Append("            - name: ").Append(name).Append("\n              value: \"").Append(value).Append("\"\n");
            }

            notes.Add($"the env vars go on container {container} (--container names another); the runtime and the app read them at start, and the operator's live changes override them until the next rollout");
        }

        return yaml.ToString();
    }

    private static string Helm(KnobValues values, IReadOnlyDictionary<Knob, string> paths, List<string> notes)
    {
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (knob, value) in new[]
        {
            (Knob.Replicas, values.Replicas), (Knob.ThreadPoolMinThreads, values.ThreadPoolMinThreads),
            (Knob.DbMaxPoolSize, values.DbMaxPoolSize), (Knob.PostgresMaxConnections, values.PostgresMaxConnections),
        })
        {
            if (value is not { } v)
            {
                continue;
            }

            if (!paths.TryGetValue(knob, out var path))
            {
                notes.Add($"no Helm value path for {Label(knob)} (--helm-value {Label(knob)}=a.b.c names one)");
                continue;
            }

            var node = root;
            var parts = path.Split('.');
            foreach (var part in parts[..^1])
            {
                if (!node.TryGetValue(part, out var child))
                {
                    child = new SortedDictionary<string, object>(StringComparer.Ordinal);
                    node[part] = child;
                }

                node = child as SortedDictionary<string, object>
                    ?? throw new InvalidOperationException($"Helm value path {path} goes through {part}, which another path sets to a value");
            }

            node[parts[^1]] = v;
        }

        var yaml = new StringBuilder();
        Write(root, 0, yaml);
        return yaml.ToString();
    }

    private static void Write(SortedDictionary<string, object> node, int depth, StringBuilder yaml)
    {
        foreach (var (key, value) in node)
        {
            yaml.Append(' ', depth * 2).Append(key).Append(':');
            if (value is SortedDictionary<string, object> child)
            {
                yaml.Append('\n');
                Write(child, depth + 1, yaml);
            }
            else
            {
                yaml.Append(' ').Append(((int)value).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }

    /// <summary>The knob's name as the spec and the command line spell it.</summary>
    public static string Label(Knob knob) => knob switch
    {
        Knob.Replicas => "replicas",
        Knob.ThreadPoolMinThreads => "threadPoolMinThreads",
        Knob.DbMaxPoolSize => "dbMaxPoolSize",
        _ => "postgresMaxConnections",
    };
}
