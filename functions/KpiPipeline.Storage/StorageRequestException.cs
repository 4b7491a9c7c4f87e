namespace KpiPipeline.Storage;

/// <summary>
/// A storage request the service refused: the HTTP status, the service's error code (from <c>x-ms-error-code</c> or
/// the error body) and its message. Messages name the operation and resource, never a key, signature or SAS.
/// </summary>
public class StorageRequestException : Exception
{
    public StorageRequestException()
    {
    }

    public StorageRequestException(string message)
        : base(message)
    {
    }

    public StorageRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageRequestException(string message, int status, string? errorCode)
        : base(message)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>The HTTP status code of the refused request (0 when not from a response).</summary>
    public int Status { get; }

    /// <summary>The service's error code, e.g. <c>BlobNotFound</c> or <c>AuthenticationFailed</c>.</summary>
    public string? ErrorCode { get; }
}

/// <summary>
/// A conditional write lost: the resource already exists (409, e.g. only-if-absent on an existing blob or an insert of an
/// existing entity) or changed since it was read (412, a stale ETag).
/// </summary>
public sealed class StorageConflictException : StorageRequestException
{
    public StorageConflictException()
    {
    }

    public StorageConflictException(string message)
        : base(message)
    {
    }

    public StorageConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageConflictException(string message, int status, string? errorCode)
        : base(message, status, errorCode)
    {
    }
}
