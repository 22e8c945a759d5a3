using System.Globalization;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Resources;

namespace Autotune.KubeApi.Tables;

/// <summary>
/// The columns kube-apiserver's printers give the built-in kinds this server serves (the common ones; wide-only
/// columns partly), and the default NAME / CREATED AT of kinds without a printer (CRDs, RBAC).
/// </summary>
internal static class BuiltInColumns
{
    private static readonly TableColumn CreatedAt = new(
        "Created At", "date", TableColumn.AgeDescription,
        (o, _) => (string?)o["metadata"]?["creationTimestamp"]);

    public static List<TableColumn> Of(ResourceType type) => (type.Group, type.Kind) switch
    {
        ("", "Namespace") => [TableColumn.ObjectName, Text("Status", "The status of the namespace", o => (string?)o["status"]?["phase"] ?? "Active"), TableColumn.Age],
        ("", "Pod") =>
        [
            TableColumn.ObjectName,
            Text("Ready", "The aggregate readiness state of this pod for accepting traffic.", PodReady),
            Text("Status", "The aggregate status of the containers in this pod.", PodStatus),
            new("Restarts", "string", "The number of times the containers in this pod have been restarted.", (o, _) => Statuses(o).Sum(s => (int?)s["restartCount"] ?? 0).ToString(CultureInfo.InvariantCulture)),
            TableColumn.Age,
            Text("IP", "The IP address assigned to this pod.", o => (string?)o["status"]?["podIP"] ?? "<none>", priority: 1),
            Text("Node", "The node the pod is scheduled to.", o => (string?)o["spec"]?["nodeName"] ?? "<none>", priority: 1),
        ],
        ("apps", "Deployment") =>
        [
            TableColumn.ObjectName,
            Text("Ready", "Number of the pod with ready state", o => $"{Int(o, "status", "readyReplicas")}/{Replicas(o)}"),
            new("Up-to-date", "integer", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", (o, _) => Int(o, "status", "updatedReplicas")),
            new("Available", "integer", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", (o, _) => Int(o, "status", "availableReplicas")),
            TableColumn.Age,
            Text("Containers", "Names of each container in the template.", o => Containers(o, "name"), priority: 1),
            Text("Images", "Images referenced by each container in the template.", o => Containers(o, "image"), priority: 1),
        ],
        ("apps", "StatefulSet") =>
        [
            TableColumn.ObjectName,
            Text("Ready", "Number of the pod with ready state", o => $"{Int(o, "status", "readyReplicas")}/{Replicas(o)}"),
            TableColumn.Age,
            Text("Containers", "Names of each container in the template.", o => Containers(o, "name"), priority: 1),
            Text("Images", "Images referenced by each container in the template.", o => Containers(o, "image"), priority: 1),
        ],
        ("", "ConfigMap") => [TableColumn.ObjectName, Count("Data", "Number of data in configmap", "data", "binaryData"), TableColumn.Age],
        ("", "Secret") => [TableColumn.ObjectName, Text("Type", "The type of the secret", o => (string?)o["type"] ?? "Opaque"), Count("Data", "The number of data in the secret", "data"), TableColumn.Age],
        ("", "ServiceAccount") => [TableColumn.ObjectName, Count("Secrets", "The number of secrets attached to this service account", "secrets"), TableColumn.Age],
        ("", "Service") =>
        [
            TableColumn.ObjectName,
            Text("Type", "The type of the service.", o => (string?)o["spec"]?["type"] ?? "ClusterIP"),
            Text("Cluster-IP", "The cluster-ip of the service.", o => (string?)o["spec"]?["clusterIP"] ?? "<none>"),
            Text("External-IP", "The external-ip of the service.", _ => "<none>"),
            Text("Port(s)", "The port(s) of the service.", Ports),
            TableColumn.Age,
        ],
        ("coordination.k8s.io", "Lease") => [TableColumn.ObjectName, Text("Holder", "The holder of the lease.", o => (string?)o["spec"]?["holderIdentity"] ?? string.Empty), TableColumn.Age],
        ("autoscaling", "HorizontalPodAutoscaler") =>
        [
            TableColumn.ObjectName,
            Text("Reference", "The reference to the autoscaled object.", o => $"{(string?)o["spec"]?["scaleTargetRef"]?["kind"]}/{(string?)o["spec"]?["scaleTargetRef"]?["name"]}"),
            new("MinPods", "string", "Lower limit for the number of pods that can be set by the autoscaler, default 1.", (o, _) => ((int?)o["spec"]?["minReplicas"] ?? 1).ToString(CultureInfo.InvariantCulture)),
            new("MaxPods", "integer", "Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.", (o, _) => Int(o, "spec", "maxReplicas")),
            new("Replicas", "integer", "Current number of replicas of pods managed by this autoscaler.", (o, _) => Int(o, "status", "currentReplicas")),
            TableColumn.Age,
        ],
        (_, "Event") =>
        [
            Text("Last Seen", "Time when last this event was observed.", o => (string?)(o["lastTimestamp"] ?? o["eventTime"] ?? o["metadata"]?["creationTimestamp"]) ?? "<unknown>", age: true),
            Text("Type", "Type of this event (Normal, Warning), new types could be added in the future.", o => (string?)o["type"] ?? string.Empty),
            Text("Reason", "The reason this event is generated.", o => (string?)o["reason"] ?? string.Empty),
            Text("Object", "The object this Event is about.", o => (o["involvedObject"] ?? o["regarding"]) is JsonObject about ? $"{((string?)about["kind"])?.ToLowerInvariant()}/{(string?)about["name"]}" : string.Empty),
            Text("Message", "A human-readable description of the status of this operation.", o => ((string?)(o["message"] ?? o["note"]))?.Trim() ?? string.Empty),
        ],
        _ => [TableColumn.ObjectName, CreatedAt],
    };

    private static TableColumn Text(string name, string description, Func<JsonObject, string> cell, int priority = 0, bool age = false) =>
        new(name, "string", description, age ? (o, now) => HumanDuration.Since(cell(o), now) ?? cell(o) : (o, _) => cell(o), priority);

    private static TableColumn Count(string name, string description, params string[] fields) =>
        new(name, "integer", description, (o, _) => fields.Sum(f => o[f] switch { JsonObject map => map.Count, JsonArray list => list.Count, _ => 0 }));

    private static int Int(JsonObject o, string part, string field) => (int?)o[part]?[field] ?? 0;

    private static int Replicas(JsonObject o) => (int?)o["spec"]?["replicas"] ?? 1;

    private static string Containers(JsonObject o, string field) =>
        string.Join(',', (o["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? []).Select(c => (string?)c?[field]));

    private static IEnumerable<JsonNode> Statuses(JsonObject o) => (o["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonNode>();

    private static string PodReady(JsonObject o) =>
        $"{Statuses(o).Count(s => (bool?)s["ready"] == true)}/{(o["spec"]?["containers"] as JsonArray)?.Count ?? 0}";

    private static string PodStatus(JsonObject o) =>
        o["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : (string?)o["status"]?["reason"] ?? (string?)o["status"]?["phase"] ?? "Pending";

    private static string Ports(JsonObject o)
    {
        var ports = (o["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => $"{(int?)p["port"]}/{(string?)p["protocol"] ?? "TCP"}").ToList();
        return ports.Count == 0 ? "<none>" : string.Join(',', ports);
    }
}
