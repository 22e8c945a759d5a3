using System.Collections.Concurrent;
using System.Reflection;
using Xunit.v3;

[assembly: Autotune.Operator.Tests.Kubernetes.Access.TestsRun]

namespace Autotune.Operator.Tests.Kubernetes.Access;

/// <summary>Records every test method that ran in this process, so a check can tell a whole run from a filtered one.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
internal sealed class TestsRunAttribute : BeforeAfterTestAttribute
{
    private static readonly ConcurrentDictionary<(string Class, string Method), bool> Ran = new();

    /// <summary>Whether the test method ran (at least one of its cases) in this process.</summary>
    public static bool Contains(Type testClass, string method) => Ran.ContainsKey((testClass.FullName!, method));

    public override void After(MethodInfo methodUnderTest, IXunitTest test) =>
        Ran[(methodUnderTest.ReflectedType?.FullName ?? "?", methodUnderTest.Name)] = true;
}
