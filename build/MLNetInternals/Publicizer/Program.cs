// Writes "publicized" copies of assemblies: every type, method, field (and so every property and
// event accessor) that is internal, `private protected` or `protected internal` becomes public. The
// copies are compile-time references only; the real assemblies are what runs (the compiling project
// declares [assembly: IgnoresAccessChecksTo(...)] so the runtime lets it use the internals).
//
// Left as they are:
//  - plain `protected` (Family) members: made public, our overrides of them would have to be public
//    too, which C# rejects against the real signature (CS0507);
//  - `private` members and private nested types: nothing of ours needs them, and made public they would
//    leak into derived classes (a base class's private `_parent` field turns a derived class's own
//    `_parent` into CS0108) and into overload resolution (a private overload silently winning over
//    the public one);
//  - compiler-generated and [Embedded] types (see ShouldLeaveAlone).
//
// Usage: MLNetInternals.Publicizer <output-folder> <input.dll> [<input.dll> ...]
//
// Incremental: an input is skipped when its copy already exists and is newer than both the input
// and this tool.

using Mono.Cecil;

namespace MLNetInternals.Publicizer;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: MLNetInternals.Publicizer <output-folder> <input.dll> [<input.dll> ...]");
            return 2;
        }

        string outputFolder = Path.GetFullPath(args[0]);
        Directory.CreateDirectory(outputFolder);
        DateTime toolTime = File.GetLastWriteTimeUtc(typeof(Program).Assembly.Location);

        try
        {
            foreach (string input in args.Skip(1).Select(Path.GetFullPath))
            {
                if (!File.Exists(input))
                {
                    Console.Error.WriteLine($"MLNetInternals.Publicizer: error: input '{input}' does not exist.");
                    return 1;
                }

                string output = Path.Combine(outputFolder, Path.GetFileName(input));
                if (IsUpToDate(input, output, toolTime))
                {
                    Console.WriteLine($"MLNetInternals.Publicizer: '{output}' is up to date.");
                    continue;
                }

                int changed = Publicize(input, output);
                Console.WriteLine($"MLNetInternals.Publicizer: {input} -> {output} ({changed} items made public)");
            }
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"MLNetInternals.Publicizer: error: {ex}");
            return 1;
        }

        return 0;
    }

    private static bool IsUpToDate(string input, string output, DateTime toolTime)
    {
        if (!File.Exists(output))
            return false;
        DateTime outputTime = File.GetLastWriteTimeUtc(output);
        return outputTime > File.GetLastWriteTimeUtc(input) && outputTime > toolTime;
    }

    private static int Publicize(string input, string output)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(input)!);

        int changed = 0;
        // Write to a temporary file in the output folder, then move it into place, so a reader never
        // sees a half-written assembly.
        string temp = output + "." + Environment.ProcessId + ".tmp";
        using (var assembly = AssemblyDefinition.ReadAssembly(input, new ReaderParameters
        {
            AssemblyResolver = resolver,
            ReadingMode = ReadingMode.Immediate,
            ReadSymbols = false,
            InMemory = true,
        }))
        {
            foreach (ModuleDefinition module in assembly.Modules)
            {
                foreach (TypeDefinition type in module.Types)
                    changed += PublicizeType(type);
            }

            assembly.Write(temp);
        }

        File.Move(temp, output, overwrite: true);
        return changed;
    }

    private static int PublicizeType(TypeDefinition type)
    {
        int changed = 0;

        // "<Module>" holds module-level members; leave it alone.
        if (type.Name == "<Module>")
            return 0;

        if (ShouldLeaveAlone(type))
            return 0;

        if (type.IsNested)
        {
            if (type.IsNestedAssembly || type.IsNestedFamilyAndAssembly || type.IsNestedFamilyOrAssembly)
            {
                type.Attributes = (type.Attributes & ~TypeAttributes.VisibilityMask) | TypeAttributes.NestedPublic;
                changed++;
            }
        }
        else if (type.IsNotPublic)
        {
            type.Attributes = (type.Attributes & ~TypeAttributes.VisibilityMask) | TypeAttributes.Public;
            changed++;
        }

        // Property and event accessors are methods, so this also covers properties and events.
        foreach (MethodDefinition method in type.Methods)
        {
            if (method.IsAssembly || method.IsFamilyAndAssembly || method.IsFamilyOrAssembly)
            {
                method.Attributes = (method.Attributes & ~MethodAttributes.MemberAccessMask) | MethodAttributes.Public;
                changed++;
            }
        }

        foreach (FieldDefinition field in type.Fields)
        {
            if (field.IsAssembly || field.IsFamilyAndAssembly || field.IsFamilyOrAssembly)
            {
                field.Attributes = (field.Attributes & ~FieldAttributes.FieldAccessMask) | FieldAttributes.Public;
                changed++;
            }
        }

        foreach (TypeDefinition nested in type.NestedTypes)
            changed += PublicizeType(nested);

        return changed;
    }

    // Compiler-generated types (closures, state machines, fixed buffers, <PrivateImplementationDetails>)
    // and types the compiler embedded into the assembly ([Embedded] attributes, polyfills) must stay
    // hidden: made public they would clash with the same types in the consuming compilation
    // (CS0433) or drag compiler plumbing into IntelliSense.
    private static bool ShouldLeaveAlone(TypeDefinition type)
    {
        if (type.Name.StartsWith('<'))
            return true;
        foreach (CustomAttribute attribute in type.CustomAttributes)
        {
            string name = attribute.AttributeType.FullName;
            if (name == "System.Runtime.CompilerServices.CompilerGeneratedAttribute"
                || name == "Microsoft.CodeAnalysis.EmbeddedAttribute")
                return true;
        }
        return false;
    }
}
