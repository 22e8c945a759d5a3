using System.CommandLine;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.GitOps;
using Autotune.Operator.Kubernetes;
using k8s;

namespace Autotune.Operator.Cli;

/// <summary>
/// <c>autotune recommend</c>: an ApiTuning's settings as a kustomize patch and Helm values to commit, read from what
/// <c>kubectl get apituning NAME -o yaml</c> prints (docs/gitops.md). Exit codes: 0 printed, 2 the input cannot be
/// used (the message names why).
/// </summary>
public static class RecommendCommand
{
    /// <summary>The exit code when the input cannot be used.</summary>
    public const int InputError = 2;

    /// <summary>Builds the subcommand.</summary>
    public static Command Create()
    {
        var file = new Option<string>("--file", "-f") { Description = "The ApiTuning as kubectl get -o yaml (or -o json) prints it; - reads standard input", Required = true };
        var from = new Option<RecommendationSource>("--from") { Description = "Auto: status.recommended when set, else status.current; or Recommended, Current", DefaultValueFactory = _ => RecommendationSource.Auto };
        var container = new Option<string?>("--container") { Description = "Container the env vars go on (default: the target's name)" };
        var format = new Option<string>("--format") { Description = "kustomize, helm or all", DefaultValueFactory = _ => "all" };
        format.AcceptOnlyFromAmong("kustomize", "helm", "all");
        var helmValue = new Option<string[]>("--helm-value")
        {
            Description = "knob=path of a Helm value, e.g. replicas=api.replicas (repeat; default: the sample-stack chart's paths)",
            AllowMultipleArgumentsPerToken = false,
        };

        var command = new Command("recommend", "Print an ApiTuning's settings as a kustomize patch and Helm values to commit to git")
        {
            file, from, container, format, helmValue,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(file)!;
            var text = path == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : await File.ReadAllTextAsync(path, cancellationToken);
            return Run(text, result.GetValue(from), result.GetValue(container), result.GetValue(format)!, result.GetValue(helmValue) ?? [], Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>Reads the ApiTuning in <paramref name="text"/> and prints its patch; returns the exit code.</summary>
    public static int Run(string text, RecommendationSource from, string? container, string format, IReadOnlyList<string> helmValues, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var paths = HelmPaths(helmValues);
            var tuning = Read(text);
            var patch = GitOpsRecommendation.Render(tuning, from, container, paths);
            output.Write(GitOpsRecommendation.Format(patch, kustomize: format is "kustomize" or "all", helm: format is "helm" or "all"));
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or YamlDotNet.Core.YamlException or System.Text.Json.JsonException)
        {
            error.WriteLine($"autotune recommend: {e.Message}");
            return InputError;
        }
    }

    private static ApiTuningResource Read(string text)
    {
        var json = YamlToJson.FirstDocument(text) ?? throw new FormatException("the input holds no document (pipe `kubectl get apituning NAME -o yaml` into -f -)");
        var kind = (string?)json["kind"];
        if (kind != ApiTuningResource.KindName)
        {
            throw new FormatException($"the input is a {kind ?? "document without a kind"}, not an ApiTuning");
        }

        return KubernetesJson.Deserialize<ApiTuningResource>(json.ToJsonString());
    }

    private static Dictionary<Knob, string> HelmPaths(IReadOnlyList<string> given)
    {
        if (given.Count == 0)
        {
            return new Dictionary<Knob, string>(GitOpsRecommendation.SampleStackValues);
        }

        var paths = new Dictionary<Knob, string>();
        foreach (var pair in given)
        {
            var parts = pair.Split('=', 2);
            var knob = Enum.GetValues<Knob>().Cast<Knob?>().FirstOrDefault(k => GitOpsRecommendation.Label(k!.Value) == parts[0]);
            if (parts.Length != 2 || knob is null || parts[1].Split('.').Any(p => p.Length == 0))
            {
                throw new FormatException($"--helm-value {pair}: expected knob=a.b.c with knob one of replicas, threadPoolMinThreads, dbMaxPoolSize, postgresMaxConnections");
            }

            paths[knob.Value] = parts[1];
        }

        return paths;
    }
}
