namespace Autotune.Agent;

/// <summary>
/// Thrown by <see cref="ITunedDataSource"/> instead of opening a connection for a request that is already past the
/// shedding deadline (it queued inside the app after the shedding middleware let it through). A
/// <see cref="TimeoutException"/>, so an app that answers timeouts with 503 answers this one so too.
/// </summary>
public sealed class RequestDeadlineExceededException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public RequestDeadlineExceededException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RequestDeadlineExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RequestDeadlineExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
