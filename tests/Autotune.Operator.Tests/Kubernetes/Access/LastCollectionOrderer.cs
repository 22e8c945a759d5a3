using Xunit.Sdk;
using Xunit.v3;

namespace Autotune.Operator.Tests.Kubernetes.Access;

/// <summary>
/// xunit's default (random) collection order, with <see cref="OperatorAccessCollection"/> moved to the end: it is
/// not parallelised, so it runs after every parallel collection, and this puts it after the other sequential ones,
/// when the operator's cluster tests have all recorded their requests.
/// </summary>
public sealed class LastCollectionOrderer : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection
    {
        var ordered = DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections);
        return [.. ordered.Where(c => c.TestCollectionDisplayName != OperatorAccessCollection.Name), .. ordered.Where(c => c.TestCollectionDisplayName == OperatorAccessCollection.Name)];
    }
}
