using System.Net;
using System.Net.Sockets;
using Autotune.Operator.Reconcile;
using k8s.Autorest;
using Npgsql;
using Xunit;

namespace Autotune.Operator.Tests.Reconcile;

/// <summary>Status, Events and console lines describe a failure safely: never its raw message.</summary>
public sealed class FailureTextTests
{
    private const string Secret = "Host=db;Username=admin;Password=hunter2";

    public static TheoryData<Exception, string> Failures => new()
    {
        { Forbidden(Secret), "the Kubernetes API answered 403 forbidden" },
        { new NpgsqlException(Secret, new SocketException((int)SocketError.ConnectionRefused)), "PostgreSQL is unreachable (ConnectionRefused)" },
        { new NpgsqlException(Secret, new TimeoutException(Secret)), "PostgreSQL did not answer in time" },
        { new NpgsqlException(Secret), "the PostgreSQL connection failed" },
        { new PostgresException(Secret, "FATAL", "FATAL", "53300"), "PostgreSQL refused it with SQLSTATE 53300 (too many connections)" },
        { new TimeoutException(Secret), "it timed out" },
        { new IOException(Secret), "an I/O operation failed" },
        { new InvalidOperationException(Secret), "InvalidOperationException" },
        { new HttpRequestException(Secret), "the HTTP request failed" },
        { new HttpRequestException(Secret, null, HttpStatusCode.Unauthorized), "the server answered 401 unauthorized" },
        { new AggregateException(Secret, new InvalidOperationException(Secret)), "AggregateException" },
        { new Autotune.Operator.Local.RestartCommandFailedException("/usr/local/bin/restart-db", 137, Secret), "the restart command restart-db exited with code 137" },
    };

    [Fact]
    public void Quotes_only_the_messages_the_operator_composed_from_names()
    {
        var refused = new AccessRefusedException("OptInMissing", "Secret shop/pg-admin (spec.postgres.adminSecretRef) does not let ApiTuning orders use it");

        Assert.Equal(refused.Message, FailureText.Of(refused));
        Assert.Equal("Deployment shop/orders-api has no selector", FailureText.Of(new SafeFailureException("ReconcileFailed", "Deployment shop/orders-api has no selector")));
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void Describes_a_failure_by_its_type_and_codes_and_never_repeats_its_message(Exception error, string expected)
    {
        var text = FailureText.Of(error);

        Assert.Equal(expected, text);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
    }

    private static HttpOperationException Forbidden(string message) => new(message)
    {
        Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.Forbidden), message),
    };
}
