using Autotune.Operator.Kubernetes.Machinery;
using k8s;
using Microsoft.Extensions.Logging;

namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>The ApiTuning controller under leader election: a new <see cref="ApiTuningController"/> for every term.</summary>
public sealed class LeaderElectedController(IKubernetes client, LeaderOptions leader, ControllerOptions options, OperatorMetrics metrics, ILogger logger)
    : LeaderElected<ApiTuningController>(client, leader, () => new ApiTuningController(client, options, metrics, logger), on => metrics.Leader.Set(on ? 1 : 0), options.Time, logger, (loop, _) => metrics.LoopFailures.WithLabels(loop).Inc());
