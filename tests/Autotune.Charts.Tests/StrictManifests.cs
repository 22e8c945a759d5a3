using System.Reflection;
using k8s;
using k8s.Models;

namespace Autotune.Charts.Tests;

/// <summary>
/// Parses a rendered document into its Kubernetes type with KubernetesClient's strict YAML deserializer: a field the
/// type does not have fails, as kubectl's strict field validation does. The type comes from apiVersion and kind:
/// KubernetesClient's models, plus the Prometheus Operator's ServiceMonitor and PrometheusRule.
/// </summary>
internal static class StrictManifests
{
    private static readonly MethodInfo Deserialize = typeof(KubernetesYaml).GetMethods(BindingFlags.Public | BindingFlags.Static)
        .Single(m => m.Name == nameof(KubernetesYaml.Deserialize) && m.IsGenericMethodDefinition
            && m.GetParameters() is [{ ParameterType: var p }, { ParameterType: var s }] && p == typeof(string) && s == typeof(bool));

    /// <summary>apiVersion/kind to the model type.</summary>
    public static IReadOnlyDictionary<string, Type> Types { get; } = BuildTypes();

    /// <summary>The document as its type; throws when the type is unknown or a field does not belong.</summary>
    public static object Parse(RenderedDocument document)
    {
        var type = Types.GetValueOrDefault($"{document.ApiVersion}/{document.Kind}")
            ?? throw new InvalidOperationException($"no model type for {document.ApiVersion}/{document.Kind}");
        try
        {
            return Deserialize.MakeGenericMethod(type).Invoke(null, [document.Text, true])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"{document}: {e.InnerException.Message}", e.InnerException);
        }
    }

    /// <summary>The document as <typeparamref name="T"/>, strictly.</summary>
    public static T Parse<T>(RenderedDocument document) => (T)Parse(document);

    private static Dictionary<string, Type> BuildTypes()
    {
        var types = typeof(V1Deployment).Assembly.GetTypes()
            .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
            .Where(x => x.Entity is not null && !x.Type.Name.EndsWith("List", StringComparison.Ordinal))
            .GroupBy(x => Key(x.Entity!.Group, x.Entity.ApiVersion, x.Entity.Kind))
            .ToDictionary(g => g.Key, g => g.First().Type);
        types["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(ServiceMonitor);
        types["monitoring.coreos.com/v1/PrometheusRule"] = typeof(PrometheusRule);
        return types;
    }

    private static string Key(string group, string version, string kind) =>
        group.Length == 0 ? $"{version}/{kind}" : $"{group}/{version}/{kind}";
}
