namespace MLNetAutoencoders.Native;

/// <summary>
/// Lets many threads score with a native network while making <see cref="Dispose"/> wait for them, so that
/// disposing a transformer never frees weights under a running batch, and scoring afterwards throws
/// <see cref="ObjectDisposedException"/> instead of touching freed native memory.
/// </summary>
internal sealed class DisposalGuard(string ownerName, Action release) : IDisposable
{
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.SupportsRecursion);
    private volatile bool disposed;

    public bool IsDisposed => disposed;

    /// <summary>Enters a scoring section; dispose the returned lease when the native work is done.</summary>
    public Lease Enter()
    {
        gate.EnterReadLock();
        if (disposed)
        {
            gate.ExitReadLock();
            throw new ObjectDisposedException(ownerName);
        }
        return new Lease(gate);
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once disposed.</summary>
    public void ThrowIfDisposed()
    {
        // Not ObjectDisposedException.ThrowIf(disposed, ownerName): that overload names the type of its second argument (String).
        if (disposed)
            throw new ObjectDisposedException(ownerName);
    }

    public void Dispose()
    {
        gate.EnterWriteLock();
        try
        {
            if (disposed)
                return;
            disposed = true;
            release();
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    public readonly struct Lease(ReaderWriterLockSlim gate) : IDisposable
    {
        public void Dispose() => gate.ExitReadLock();
    }
}
