using System.Reflection;
using System.Text.RegularExpressions;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Spec;
using Xunit;

namespace Autotune.Engine.Tests;

/// <summary>
/// The engine holds three concerns, one folder and namespace each: the resource (spec, status, validation, YAML),
/// metrics (exposition, histograms, PromQL, windows) and decisions. Decisions read the other two; the other two
/// never read decisions, and the resource and metrics do not read each other.
/// </summary>
public sealed partial class EngineLayoutTests
{
    private static readonly string[] Concerns = ["Resource", "Metrics", "Decisions"];

    [Fact]
    public void Every_engine_type_lives_in_one_of_the_three_concerns()
    {
        var stray = typeof(ApiTuningSpec).Assembly.GetTypes()
            .Where(t => t.Namespace is { } ns && ns.StartsWith("Autotune.Engine", StringComparison.Ordinal) && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
            .Where(t => Concern(t.Namespace!) is null)
            .Select(t => t.FullName)
            .ToList();

        Assert.True(stray.Count == 0, "engine types outside Resource, Metrics and Decisions: " + string.Join(", ", stray));
    }

    [Theory]
    [InlineData("Resource", "Metrics")]
    [InlineData("Resource", "Decisions")]
    [InlineData("Metrics", "Resource")]
    [InlineData("Metrics", "Decisions")]
    public void A_concern_does_not_read_one_it_must_not_depend_on(string concern, string forbidden)
    {
        var folder = Path.Combine(RepoFiles.Root, "operator", "Autotune.Engine", concern);
        var files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);

        var offending = files
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && Reference(forbidden).IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(RepoFiles.Root, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(offending.Count == 0, $"{concern} reads {forbidden}:\n" + string.Join("\n", offending));
    }

    [Fact]
    public void Public_signatures_of_the_resource_and_metrics_name_no_decision_type()
    {
        var leaks = typeof(ApiTuningSpec).Assembly.GetExportedTypes()
            .Where(t => Concern(t.Namespace ?? "") is "Resource" or "Metrics")
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .SelectMany(SignatureTypes)
                .Where(s => Concern(s.Namespace ?? "") == "Decisions")
                .Select(s => $"{t.FullName} names {s.FullName}"))
            .Distinct()
            .ToList();

        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    private static string? Concern(string ns) =>
        Concerns.FirstOrDefault(c => ns == "Autotune.Engine." + c || ns.StartsWith("Autotune.Engine." + c + ".", StringComparison.Ordinal));

    private static Regex Reference(string concern) => concern switch
    {
        "Resource" => ResourceReference(),
        "Metrics" => MetricsReference(),
        _ => DecisionsReference(),
    };

    private static IEnumerable<Type> SignatureTypes(MemberInfo member)
    {
        IEnumerable<Type> types = member switch
        {
            PropertyInfo p => [p.PropertyType],
            FieldInfo f => [f.FieldType],
            MethodInfo m => [m.ReturnType, .. m.GetParameters().Select(p => p.ParameterType)],
            ConstructorInfo c => c.GetParameters().Select(p => p.ParameterType),
            _ => [],
        };
        return types.SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        var element = type.HasElementType ? type.GetElementType()! : type;
        yield return element;
        if (element.IsGenericType)
        {
            foreach (var argument in element.GetGenericArguments().SelectMany(Unwrap))
            {
                yield return argument;
            }
        }
    }

    [GeneratedRegex(@"\bAutotune\.Engine\.Resource\b")]
    private static partial Regex ResourceReference();

    [GeneratedRegex(@"\bAutotune\.Engine\.Metrics\b")]
    private static partial Regex MetricsReference();

    [GeneratedRegex(@"\bAutotune\.Engine\.Decisions\b")]
    private static partial Regex DecisionsReference();
}
