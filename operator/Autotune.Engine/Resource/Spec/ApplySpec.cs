using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>How in-process settings (minimum threads, pool size) reach the pods.</summary>
public sealed record ApplySpec
{
    /// <summary>HotReload: the tuning file the agent watches; RollingRestart: env vars on the pod template.</summary>
    public ApplyMethod Method { get; init; } = ApplyMethod.HotReload;

    /// <summary>
    /// For RollingRestart on an app without the agent: the env var the app reads its pool size from
    /// (minimum threads use the runtime's own DOTNET_ThreadPool_ForceMinWorkerThreads).
    /// </summary>
    [Length(1, 256)]
    [RegularExpression(SpecPatterns.EnvVarName, ErrorMessage = "an environment variable name: letters, digits and '_', not starting with a digit")]
    public string? PoolSizeEnvVar { get; init; }

    /// <summary>Extra pods a rollout may create (maxSurge of the Deployment), counted in the connection budget.</summary>
    [Range(0, 1000)]
    public int MaxSurge { get; init; } = 1;
}

/// <summary>Application method.</summary>
public enum ApplyMethod
{
    /// <summary>Write the tuning file; the agent applies it live.</summary>
    HotReload,

    /// <summary>Change env vars on the pod template; pods restart.</summary>
    RollingRestart,
}
