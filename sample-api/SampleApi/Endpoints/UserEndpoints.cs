using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SampleApi.Caching;
using SampleApi.Data;
using SampleApi.Errors;
using SampleApi.Json;

namespace SampleApi.Endpoints;

/// <summary>GET/PUT /users/{id}, POST /users and GET /users (keyset pages).</summary>
public static class UserEndpoints
{
    /// <summary>Maps the user endpoints.</summary>
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/users");
        // The hot read path. The reader is a singleton taken here, not a handler parameter (a parameter is resolved
        // from the request's service scope, created and disposed for every read), and the 200 is written directly
        // with the source-generated type info (a typed result resolves the JSON options and a logger per request).
        var reader = app.ServiceProvider.GetRequiredService<UserReader>();
        users.MapGet("/{id}", (string id, HttpContext context) => WriteUserAsync(id, reader, context))
            .Produces<User>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPut("/{id}", UpdateUser);
        users.MapPost("/", CreateUser);
        users.MapGet("/", ListUsers);
        users.MapPost("/batch", BatchEndpoints.ImportUsers);
        return app;
    }

    internal static async Task WriteUserAsync(string id, UserReader reader, HttpContext context)
    {
        if (!UserValidation.TryParseId(id, out var userId))
        {
            await Problems.Field("id", "id must be a positive integer").ExecuteAsync(context);
            return;
        }

        var user = await reader.GetAsync(userId);
        if (user is null)
        {
            await Problems.NotFound(userId).ExecuteAsync(context);
            return;
        }

        await context.Response.WriteAsJsonAsync(user, AppJsonContext.Default.User, contentType: null, context.RequestAborted);
    }

    internal static async Task<Results<Ok<User>, ValidationProblem, ProblemHttpResult>> UpdateUser(string id, HttpRequest request, UserWriter writer, CancellationToken cancellationToken)
    {
        if (!UserValidation.TryParseId(id, out var userId))
        {
            return Problems.Field("id", "id must be a positive integer");
        }

        var (input, malformed) = await JsonBody.ReadAsync(request, AppJsonContext.Default.UserInput, cancellationToken);
        var errors = malformed ?? UserValidation.Check(input);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var user = await writer.UpdateAsync(userId, input!.Name!.Trim(), input.Email!.Trim(), cancellationToken);
        return user is null ? Problems.NotFound(userId) : TypedResults.Ok(user);
    }

    internal static async Task<Results<Created<User>, ValidationProblem>> CreateUser(HttpRequest request, UserStore store, CancellationToken cancellationToken)
    {
        var (input, malformed) = await JsonBody.ReadAsync(request, AppJsonContext.Default.UserInput, cancellationToken);
        var errors = malformed ?? UserValidation.Check(input);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var user = await store.InsertAsync(input!.Name!.Trim(), input.Email!.Trim(), cancellationToken);
        return TypedResults.Created(string.Create(CultureInfo.InvariantCulture, $"/users/{user.Id}"), user);
    }

    internal static async Task<Results<Ok<UserPage>, ValidationProblem>> ListUsers(string? after, string? limit, UserStore store, CancellationToken cancellationToken)
    {
        var afterId = 0L;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterId)))
        {
            return Problems.Field("after", "after must be a user id (0 or more)");
        }

        var size = UserValidation.DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > UserValidation.MaxPageSize))
        {
            return Problems.Field("limit", $"limit must be between 1 and {UserValidation.MaxPageSize}");
        }

        return TypedResults.Ok(await store.PageAsync(afterId, size, cancellationToken));
    }
}
