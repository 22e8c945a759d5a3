namespace Autotune.KubeApi.Errors;

/// <summary>One reason an object is invalid, as a Status cause: FieldValueRequired, FieldValueNotSupported, ...</summary>
public sealed record FieldCause(string Reason, string Message, string Field);
