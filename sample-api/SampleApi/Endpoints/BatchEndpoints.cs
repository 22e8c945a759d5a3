using System.Globalization;
using System.IO.Pipelines;
using Autotune.Agent;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using SampleApi.Data;

namespace SampleApi.Endpoints;

/// <summary>
/// POST /users/batch: newline-delimited JSON users streamed straight into a binary COPY, never buffered whole.
/// One malformed row rejects the whole batch, naming the row, and the COPY is abandoned so nothing is inserted.
/// </summary>
internal static class BatchEndpoints
{
    internal static async Task<Results<Ok<BatchResult>, ValidationProblem>> ImportUsers(HttpRequest request, ITunedDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var noTimeout = new NpgsqlCommand(UserSql.NoStatementTimeout, connection))
        {
            // The COPY lasts as long as the upload; the ordinary per-statement timeout would cut it off.
            await noTimeout.ExecuteNonQueryAsync(cancellationToken);
        }

        var rejection = default(ValidationProblem);
        ulong inserted;
        await using (var importer = await connection.BeginBinaryImportAsync(UserSql.CopyUsers, cancellationToken))
        {
            rejection = await StreamRowsAsync(request.BodyReader, importer, cancellationToken);
            if (rejection is not null)
            {
                // Disposing an importer that was not completed cancels the COPY: no row of the batch remains.
                return rejection;
            }

            inserted = await importer.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new BatchResult((long)inserted));
    }

    private static async Task<ValidationProblem?> StreamRowsAsync(PipeReader body, NpgsqlBinaryImporter importer, CancellationToken cancellationToken)
    {
        var row = 0L;
        var written = 0L;
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            string? problem = null;
            while (problem is null && BatchLineParser.TryReadLine(ref buffer, out var line))
            {
                row++;
                problem = await WriteLineAsync(line, importer, cancellationToken);
                written += problem is null && !BatchLineParser.IsBlank(line) ? 1 : 0;
            }

            if (problem is null && read.IsCompleted && !buffer.IsEmpty)
            {
                row++;
                problem = await WriteLineAsync(buffer, importer, cancellationToken);
                written += problem is null && !BatchLineParser.IsBlank(buffer) ? 1 : 0;
                buffer = buffer.Slice(buffer.End);
            }
            else if (problem is null && buffer.Length > BatchLineParser.MaxLineBytes)
            {
                row++;
                problem = $"the line is longer than {BatchLineParser.MaxLineBytes} bytes";
            }

            // Every read is released before answering, so Kestrel can drain or close the rest of the body.
            body.AdvanceTo(buffer.Start, buffer.End);
            if (problem is not null)
            {
                return Reject(row, problem);
            }

            if (read.IsCompleted)
            {
                return written == 0 ? Reject(0, "the batch holds no rows") : null;
            }
        }
    }

    private static async ValueTask<string?> WriteLineAsync(System.Buffers.ReadOnlySequence<byte> line, NpgsqlBinaryImporter importer, CancellationToken cancellationToken)
    {
        if (BatchLineParser.IsBlank(line))
        {
            return null;
        }

        var problem = BatchLineParser.Parse(line, out var user);
        if (problem is not null)
        {
            return problem;
        }

        await importer.StartRowAsync(cancellationToken);
        await importer.WriteAsync(user!.Name!.Trim(), NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(user.Email!.Trim(), NpgsqlDbType.Text, cancellationToken);
        return null;
    }

    private static ValidationProblem Reject(long row, string problem)
    {
        var field = row == 0 ? "body" : string.Create(CultureInfo.InvariantCulture, $"row {row}");
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [problem] },
            detail: row == 0 ? problem : string.Create(CultureInfo.InvariantCulture, $"row {row}: {problem}; nothing was inserted"),
            extensions: new Dictionary<string, object?> { ["row"] = row });
    }
}
