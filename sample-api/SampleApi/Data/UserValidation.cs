using System.Globalization;

namespace SampleApi.Data;

/// <summary>Checks of user input; each problem names its field.</summary>
internal static class UserValidation
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;
    public const int MaxPageSize = 500;
    public const int DefaultPageSize = 50;

    /// <summary>The problems with a user, by field; empty when valid.</summary>
    public static Dictionary<string, string[]> Check(UserInput? input)
    {
        var errors = new Dictionary<string, string[]>();
        if (input is null)
        {
            errors["body"] = ["a JSON object with name and email is required"];
            return errors;
        }

        if (string.IsNullOrWhiteSpace(input.Name))
        {
            errors["name"] = ["name is required"];
        }
        else if (input.Name.Length > MaxNameLength)
        {
            errors["name"] = [$"name must be at most {MaxNameLength} characters"];
        }

        if (string.IsNullOrWhiteSpace(input.Email))
        {
            errors["email"] = ["email is required"];
        }
        else if (input.Email.Length > MaxEmailLength || !IsEmail(input.Email))
        {
            errors["email"] = [$"email must look like name@domain and be at most {MaxEmailLength} characters"];
        }

        return errors;
    }

    /// <summary>Parses a user id from the route; ids are positive 64-bit integers.</summary>
    public static bool TryParseId(string? text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    private static bool IsEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0
            && at == email.LastIndexOf('@')
            && at < email.Length - 1
            && !email.AsSpan().ContainsAny(" \t\r\n,;<>")
            && email.AsSpan(at + 1).Contains('.');
    }
}
