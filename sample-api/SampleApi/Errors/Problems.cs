using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SampleApi.Errors;

/// <summary>The API's ProblemDetails answers.</summary>
internal static class Problems
{
    public static ValidationProblem Field(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(
            detail: string.Create(CultureInfo.InvariantCulture, $"user {id} does not exist"),
            statusCode: StatusCodes.Status404NotFound,
            title: "Not Found");
}
