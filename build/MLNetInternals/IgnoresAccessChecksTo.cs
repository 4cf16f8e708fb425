// Compiled into every project that sets <UseMLNetInternals>true</UseMLNetInternals>
// (see MLNetInternals.targets). Do not add this file to a project by hand.
//
// The project compiles against publicized copies of Microsoft.ML.Core and Microsoft.ML.Data but runs
// against the real ones. This attribute tells the runtime to skip its access checks from this assembly
// into those two, so calls to their internal members work, and — most importantly — so the internal
// [assembly: LoadableClass(...)] attribute that registers a transformer's loader is not silently
// dropped when ML.NET reads it (without it loading a saved model fails with
// "FormatException: Couldn't load model: 'TransformerChain'").
//
// The runtime recognises the attribute by its full name only; it is not in the BCL, so each
// assembly declares its own internal copy.

// CS0436: if one of our assemblies exposes its internals to another (InternalsVisibleTo), the other
// also sees that assembly's copy of this internal type; the copy in source wins, which is what we want.
#pragma warning disable CS0436

[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]

namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Lets the declaring assembly access non-public members of the named assembly at run time.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        /// <summary>Creates the attribute for the assembly with the given simple name.</summary>
        public IgnoresAccessChecksToAttribute(string assemblyName)
        {
            AssemblyName = assemblyName;
        }

        /// <summary>The simple name of the assembly whose access checks are ignored.</summary>
        public string AssemblyName { get; }
    }
}
