namespace Autotune.Load;

/// <summary>Makes the next request of the load: which method and path, for a given target.</summary>
public interface IRequestMix
{
    /// <summary>Creates one request against <paramref name="target"/>; called from one thread only, with its own random source.</summary>
    HttpRequestMessage Create(Uri target, Random random);
}
