using Autotune.KubeApi.Faults;
using Autotune.KubeApi.Resources;
using Autotune.KubeApi.Store;
using Autotune.KubeApi.Validation;

namespace Autotune.KubeApi.Http;

/// <summary>What the request handlers share: the store, the served types, validation, faults and settings.</summary>
internal sealed record ApiContext(
    ObjectStore Store,
    ResourceCatalog Catalog,
    CustomResourceValidator Validator,
    FaultInjector Faults,
    KubeApiServerOptions Options);
