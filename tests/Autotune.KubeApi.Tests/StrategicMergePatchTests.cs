using System.Text.Json.Nodes;
using Autotune.KubeApi.Patching;
using Xunit;

namespace Autotune.KubeApi.Tests;

public sealed class StrategicMergePatchTests
{
    private static JsonNode Apply(string target, string patch) => StrategicMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch))!;

    [Fact]
    public void Containers_and_env_merge_by_name_and_other_lists_are_replaced()
    {
        var result = Apply(
            """{"spec":{"containers":[{"name":"api","image":"a:1","args":["x","y"],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"side","image":"s:1"}]}}""",
            """{"spec":{"containers":[{"name":"api","image":"a:2","args":["z"],"env":[{"name":"B","value":"3"},{"name":"C","value":"4"}]}]}}""");

        Assert.Equal(
            """{"spec":{"containers":[{"name":"api","image":"a:2","args":["z"],"env":[{"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C","value":"4"}]},{"name":"side","image":"s:1"}]}}""",
            result.ToJsonString());
    }

    [Fact]
    public void Directives_delete_items_reorder_them_replace_lists_and_remove_primitives()
    {
        var result = Apply(
            """{"env":[{"name":"A"},{"name":"B"},{"name":"C"}],"finalizers":["f1","f2"],"volumes":[{"name":"v"}],"meta":{"a":1,"b":2}}""",
            """{"$setElementOrder/env":[{"name":"C"},{"name":"A"}],"env":[{"$patch":"delete","name":"B"}],"$deleteFromPrimitiveList/finalizers":["f1"],"volumes":[{"$patch":"replace"},{"name":"w"}],"meta":{"$patch":"replace","c":3}}""");

        Assert.Equal("""{"env":[{"name":"C"},{"name":"A"}],"finalizers":["f2"],"volumes":[{"name":"w"}],"meta":{"c":3}}""", result.ToJsonString());
    }

    [Fact]
    public void Container_ports_merge_on_containerPort_and_service_ports_on_port()
    {
        var pod = Apply("""{"ports":[{"containerPort":80,"name":"http"},{"containerPort":9090}]}""", """{"ports":[{"containerPort":80,"name":"web"}]}""");
        Assert.Equal("""{"ports":[{"containerPort":80,"name":"web"},{"containerPort":9090}]}""", pod.ToJsonString());

        var service = Apply("""{"ports":[{"port":80,"targetPort":8080}]}""", """{"ports":[{"port":443,"targetPort":8443}]}""");
        Assert.Equal("""{"ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":8443}]}""", service.ToJsonString());
    }
}
