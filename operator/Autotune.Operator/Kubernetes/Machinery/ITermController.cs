namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>A controller that runs for one leadership term: until its token is cancelled.</summary>
public interface ITermController
{
    /// <summary>True once the controller's watches have listed.</summary>
    bool Synced { get; }

    /// <summary>
    /// What keeps the controller from being ready now: each watch not listed yet or waiting out a failure, each loop
    /// being restarted. Empty when every part runs.
    /// </summary>
    IReadOnlyList<string> NotReady { get; }

    /// <summary>Runs until cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
