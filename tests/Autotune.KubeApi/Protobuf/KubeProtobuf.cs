using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;
using static Autotune.KubeApi.Protobuf.ProtoType;

namespace Autotune.KubeApi.Protobuf;

/// <summary>
/// Request bodies in <c>application/vnd.kubernetes.protobuf</c>, which typed clients send (kubectl create namespace,
/// helm's release Secrets): the "k8s\0" envelope (runtime.Unknown with the apiVersion and kind), then the object,
/// decoded for the kinds below into the JSON this server stores. Any other kind answers 415 UnsupportedMediaType naming
/// it. Answers are always JSON, which the clients accept as well.
/// </summary>
internal static class KubeProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    private static readonly ProtoMessage OwnerReference = new ProtoMessage("OwnerReference").With(
        new(1, "kind", Text), new(3, "name", Text), new(4, "uid", Text), new(5, "apiVersion", Text),
        new(6, "controller", Flag), new(7, "blockOwnerDeletion", Flag));

    private static readonly ProtoMessage ObjectMeta = new ProtoMessage("ObjectMeta").With(
        new(1, "name", Text), new(2, "generateName", Text), new(3, "namespace", Text), new(4, "selfLink", Text),
        new(5, "uid", Text), new(6, "resourceVersion", Text), new(7, "generation", Varint), new(8, "creationTimestamp", Time),
        new(9, "deletionTimestamp", Time), new(10, "deletionGracePeriodSeconds", Varint),
        new(11, "labels", Text, MapValue: Text), new(12, "annotations", Text, MapValue: Text),
        new(13, "ownerReferences", Message, OwnerReference, Repeated: true), new(14, "finalizers", Text, Repeated: true));

    private static readonly ProtoMessage ObjectReference = new ProtoMessage("ObjectReference").With(
        new(1, "kind", Text), new(2, "namespace", Text), new(3, "name", Text), new(4, "uid", Text),
        new(5, "apiVersion", Text), new(6, "resourceVersion", Text), new(7, "fieldPath", Text));

    private static readonly ProtoMessage Preconditions = new ProtoMessage("Preconditions").With(
        new(1, "uid", Text), new(2, "resourceVersion", Text));

    private static readonly Dictionary<string, ProtoMessage> Kinds = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = new ProtoMessage("Namespace").With(
            new(1, "metadata", Message, ObjectMeta),
            new(2, "spec", Message, new ProtoMessage("NamespaceSpec").With(new ProtoField(1, "finalizers", Text, Repeated: true))),
            new(3, "status", Message, new ProtoMessage("NamespaceStatus").With(new ProtoField(1, "phase", Text)))),
        ["v1/Secret"] = new ProtoMessage("Secret").With(
            new(1, "metadata", Message, ObjectMeta), new(2, "data", Text, MapValue: Bytes), new(3, "type", Text),
            new(4, "stringData", Text, MapValue: Text), new(5, "immutable", Flag)),
        ["v1/ConfigMap"] = new ProtoMessage("ConfigMap").With(
            new(1, "metadata", Message, ObjectMeta), new(2, "data", Text, MapValue: Text),
            new(3, "binaryData", Text, MapValue: Bytes), new(4, "immutable", Flag)),
        ["v1/ServiceAccount"] = new ProtoMessage("ServiceAccount").With(
            new(1, "metadata", Message, ObjectMeta), new(2, "secrets", Message, ObjectReference, Repeated: true),
            new(3, "imagePullSecrets", Message, new ProtoMessage("LocalObjectReference").With(new ProtoField(1, "name", Text)), Repeated: true),
            new(4, "automountServiceAccountToken", Flag)),
        ["v1/DeleteOptions"] = DeleteOptions(),
        ["meta.k8s.io/v1/DeleteOptions"] = DeleteOptions(),
    };

    /// <summary>The JSON object a protobuf request body holds, or 400/415 when it cannot be read.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw KubeApiException.BadRequest("the protobuf body does not start with the Kubernetes envelope prefix");
        }

        string apiVersion = string.Empty, kind = string.Empty;
        ReadOnlySpan<byte> raw = default;
        var envelope = new ProtoReader(body[Magic.Length..]);
        while (envelope.Next(out var number, out var wireType))
        {
            switch (number)
            {
                case 1:
                    var typeMeta = TypeMeta.Decode(envelope.ReadBytes());
                    apiVersion = (string?)typeMeta["apiVersion"] ?? string.Empty;
                    kind = (string?)typeMeta["kind"] ?? string.Empty;
                    break;
                case 2:
                    raw = envelope.ReadBytes();
                    break;
                default:
                    envelope.Skip(wireType);
                    break;
            }
        }

        if (!Kinds.TryGetValue($"{apiVersion}/{kind}", out var message))
        {
            throw new KubeApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json (this server reads {MediaType} only for {string.Join(", ", Kinds.Keys)}; got {apiVersion}/{kind})");
        }

        try
        {
            var obj = message.Decode(raw);
            var typed = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
            foreach (var (key, value) in obj)
            {
                typed[key] = value?.DeepClone();
            }

            return typed;
        }
        catch (Exception e) when (e is NotSupportedException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new KubeApiException(415, "UnsupportedMediaType", $"the {kind} in {MediaType} could not be read by this server: {e.Message}");
        }
    }

    private static ProtoMessage TypeMeta { get; } = new ProtoMessage("TypeMeta").With(new ProtoField(1, "apiVersion", Text), new(2, "kind", Text));

    private static ProtoMessage DeleteOptions() => new ProtoMessage("DeleteOptions").With(
        new(1, "gracePeriodSeconds", Varint), new(2, "preconditions", Message, Preconditions), new(3, "orphanDependents", Flag),
        new(4, "propagationPolicy", Text), new(5, "dryRun", Text, Repeated: true));
}
