using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Reliability;

/// <summary>
/// TorchSharp 0.107 converts numbers to <c>Scalar</c> implicitly (<c>tensor * 0.5f</c>), and such a Scalar is
/// unreachable once its handle is passed to libtorch: a garbage collection triggered by any other thread can
/// finalize it, freeing the native value while libtorch still reads it (seen as "Expected false to be true ...
/// toFloat" inside an optimizer step, and possibly as a silently wrong number). A timing test cannot catch that
/// race reliably, so this one reads the code instead: it compiles src/ with Roslyn and requires that no expression
/// anywhere is converted to a Scalar implicitly. Explicit Scalars (<c>using var half = 0.5f.ToScalar();</c>) stay
/// alive until the end of their scope.
/// </summary>
public class ImplicitScalarTests
{
    [Fact]
    public void NoSourceFileConvertsANumberToATorchSharpScalarImplicitly()
    {
        var root = Repository.Root;
        var files = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToArray();
        Assert.True(files.Length > 20, $"only {files.Length} source files found under {root}/src");
        var compilation = Compile(files);
        Assert.NotNull(compilation.GetTypeByMetadataName("TorchSharp.Scalar"));

        var findings = compilation.SyntaxTrees
            .SelectMany(tree => ImplicitScalars(compilation, tree)
                .Select(e => $"{Path.GetRelativePath(root, tree.FilePath)}:{tree.GetLineSpan(e.Span).StartLinePosition.Line + 1}: '{e}' hands a number to TorchSharp without an explicit Scalar"))
            .ToList();

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    /// <summary>
    /// TorchSharp's own methods can create the Scalar inside themselves (<c>square()</c> is <c>pow(2)</c>: the 2 becomes
    /// an unreferenced Scalar; seen as "INTERNAL ASSERT FAILED at c10/core/Scalar.h" when ML.NET's per-row anomaly
    /// scorer ran on several threads). So every TorchSharp method src calls, and the TorchSharp methods those call, is
    /// read from its IL: none may convert a number to a Scalar or call ToScalar.
    /// </summary>
    [Fact]
    public void NoTorchSharpMethodThatSourceCallsCreatesAScalarInsideItself()
    {
        var root = Repository.Root;
        var files = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .ToArray();
        var compilation = Compile(files);
        var called = compilation.SyntaxTrees
            .SelectMany(tree => TorchSharpMethodsCalled(compilation, tree))
            .Distinct()
            .ToArray();
        Assert.Contains(called, m => m.Name == "mse_loss");

        var findings = called.SelectMany(m => ScalarsCreatedInside(m).Select(inside => $"{Describe(m)} creates a Scalar in {inside}")).ToList();

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void TheCheckFindsAScalarCreatedInsideTorchSharp()
    {
        var square = typeof(TorchSharp.torch.Tensor).GetMethod("square", Type.EmptyTypes)!;
        var sum = typeof(TorchSharp.torch.Tensor).GetMethod("sum", [typeof(TorchSharp.torch.ScalarType?)])!;

        Assert.Equal(new[] { "Tensor.square" }, ScalarsCreatedInside(square));
        Assert.Empty(ScalarsCreatedInside(sum));
    }

    /// <summary>The runtime TorchSharp methods (and operators) a syntax tree invokes.</summary>
    private static IEnumerable<System.Reflection.MethodBase> TorchSharpMethodsCalled(Compilation compilation, SyntaxTree tree)
    {
        var model = compilation.GetSemanticModel(tree);
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            var target = model.GetOperation(node) switch
            {
                IInvocationOperation invocation => invocation.TargetMethod,
                IBinaryOperation { OperatorMethod: { } op } => op,
                IUnaryOperation { OperatorMethod: { } op } => op,
                _ => null,
            };
            if (target?.ContainingAssembly?.Name == "TorchSharp" && Runtime(target) is { } method)
                yield return method;
        }
    }

    /// <summary>The reflection method of a Roslyn symbol of TorchSharp (by type, name and parameter types).</summary>
    private static System.Reflection.MethodBase? Runtime(IMethodSymbol symbol)
    {
        symbol = symbol.ReducedFrom ?? symbol.OriginalDefinition;
        var typeName = symbol.ContainingType.ToDisplayString(new SymbolDisplayFormat(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces)).Replace('.', '+');
        var ns = symbol.ContainingType.ContainingNamespace.ToDisplayString();
        var type = typeof(TorchSharp.torch).Assembly.GetType(ns + "." + typeName[(ns.Length + 1)..]);
        var parameters = symbol.Parameters.Select(p => p.Type.ToDisplayString()).ToArray();
        return type?.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic |
                                System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance)
            .FirstOrDefault(m => m.Name == symbol.Name && m.GetParameters().Length == parameters.Length &&
                                 m.GetParameters().Select(p => CSharpName(p.ParameterType)).SequenceEqual(parameters));
    }

    private static string CSharpName(Type type) => type switch
    {
        _ when Nullable.GetUnderlyingType(type) is { } inner => CSharpName(inner) + "?",
        { IsArray: true } => CSharpName(type.GetElementType()!) + "[]",
        { IsByRef: true } => CSharpName(type.GetElementType()!),
        _ when type == typeof(long) => "long", _ when type == typeof(int) => "int", _ when type == typeof(double) => "double",
        _ when type == typeof(float) => "float", _ when type == typeof(bool) => "bool", _ when type == typeof(string) => "string",
        _ when type == typeof(object) => "object",
        { IsGenericType: true } => type.FullName![..type.FullName!.IndexOf('`')].Replace('+', '.') + "<" + string.Join(", ", type.GetGenericArguments().Select(CSharpName)) + ">",
        _ => type.FullName!.Replace('+', '.'),
    };

    /// <summary>The methods, at most three TorchSharp calls deep from <paramref name="method"/>, that create a Scalar from a number.</summary>
    private static IEnumerable<string> ScalarsCreatedInside(System.Reflection.MethodBase method)
    {
        var seen = new HashSet<System.Reflection.MethodBase>();
        var level = new List<System.Reflection.MethodBase> { method };
        for (var depth = 0; depth < 3 && level.Count > 0; depth++)
        {
            var next = new List<System.Reflection.MethodBase>();
            foreach (var m in level.Where(seen.Add))
                foreach (var callee in Callees(m))
                {
                    if (callee.DeclaringType == typeof(TorchSharp.Scalar) && callee.Name == "op_Implicit" ||
                        callee.Name == "ToScalar" && callee.DeclaringType?.Assembly == typeof(TorchSharp.Scalar).Assembly)
                    {
                        yield return $"{m.DeclaringType!.Name}.{m.Name}";
                        break;
                    }
                    if (callee.DeclaringType?.Assembly == typeof(TorchSharp.Scalar).Assembly)
                        next.Add(callee);
                }
            level = next;
        }
    }

    private static readonly Dictionary<short, System.Reflection.Emit.OpCode> OpCodes = typeof(System.Reflection.Emit.OpCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Select(f => (System.Reflection.Emit.OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The methods <paramref name="method"/>'s IL calls (call, callvirt, newobj), decoded opcode by opcode.</summary>
    private static IEnumerable<System.Reflection.MethodBase> Callees(System.Reflection.MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
            yield break;
        for (var i = 0; i < il.Length;)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            if (!OpCodes.TryGetValue(value, out var op))
                yield break;
            if (op.OperandType == System.Reflection.Emit.OperandType.InlineMethod)
            {
                System.Reflection.MethodBase? callee = null;
                try
                {
                    callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i),
                        method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null,
                        method.IsGenericMethod ? method.GetGenericArguments() : null);
                }
                catch (ArgumentException)
                {
                }
                if (callee is not null)
                    yield return callee;
            }
            i += op.OperandType switch
            {
                System.Reflection.Emit.OperandType.InlineNone => 0,
                System.Reflection.Emit.OperandType.ShortInlineBrTarget or System.Reflection.Emit.OperandType.ShortInlineI or System.Reflection.Emit.OperandType.ShortInlineVar => 1,
                System.Reflection.Emit.OperandType.InlineVar => 2,
                System.Reflection.Emit.OperandType.InlineI8 or System.Reflection.Emit.OperandType.InlineR => 8,
                System.Reflection.Emit.OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }

    private static string Describe(System.Reflection.MethodBase m) =>
        $"{m.DeclaringType!.Name}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => CSharpName(p.ParameterType)))})";

    [Fact]
    public void TheCheckFindsAnImplicitScalarWhenThereIsOne()
    {
        const string code = """
            using static TorchSharp.torch;
            static class Probe
            {
                static Tensor NumberOperand(Tensor x) => x * 0.5f;
                static Tensor NumberArgument(Tensor x) => x.clamp(0.0, 1.0);
                static Tensor DefaultAlpha(Tensor x, Tensor y) => x + y;
                static Tensor DefaultAlphaCall(Tensor x, Tensor y) => x.add_(y);
                static Tensor Explicit(Tensor x) { using var half = 0.5f.ToScalar(); return x * half; }
            }
            """;
        var compilation = Compile([], CSharpSyntaxTree.ParseText(code, path: "Probe.cs"));
        var implicitScalars = ImplicitScalars(compilation, compilation.SyntaxTrees.Single()).Select(e => e.ToString()).ToArray();

        Assert.Equal(new[] { "x * 0.5f", "0.0", "1.0", "x + y", "x.add_(y)" }, implicitScalars);
    }

    /// <summary>
    /// Where a number meets a tensor without an explicit Scalar: an expression the compiler wraps in an implicit
    /// conversion to TorchSharp.Scalar (an operand of a tensor operator, an argument of a Scalar parameter), and a
    /// tensor operator taking a plain number (<c>operator *(Tensor, float)</c> converts it inside TorchSharp, out of
    /// the caller's reach).
    /// </summary>
    private static IEnumerable<ExpressionSyntax> ImplicitScalars(Compilation compilation, SyntaxTree tree)
    {
        var model = compilation.GetSemanticModel(tree);
        foreach (var expression in tree.GetRoot().DescendantNodes().OfType<ExpressionSyntax>())
        {
            var operation = model.GetOperation(expression);
            if (operation is IBinaryOperation { OperatorMethod: { } method } &&
                method.ContainingType.ToDisplayString() == "TorchSharp.torch.Tensor" &&
                method.Parameters.Any(p => p.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
                    or SpecialType.System_Single or SpecialType.System_Double))
            {
                yield return expression;
                continue;
            }
            // TorchSharp's Tensor +, - and the add/sub/addcmul/addcdiv overloads without a Scalar alpha (or value)
            // create the alpha of 1 themselves, implicitly.
            if (operation is IBinaryOperation { OperatorMethod: { } op, OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } &&
                op.ContainingType.ToDisplayString() == "TorchSharp.torch.Tensor")
            {
                yield return expression;
                continue;
            }
            if (operation is IInvocationOperation invocation && expression is InvocationExpressionSyntax &&
                invocation.TargetMethod.ContainingType.ToDisplayString() == "TorchSharp.torch.Tensor" &&
                invocation.TargetMethod.Name is "add" or "add_" or "sub" or "sub_" or "addcmul" or "addcmul_" or "addcdiv" or "addcdiv_" &&
                !HasExplicitAlpha(invocation.TargetMethod))
            {
                yield return expression;
                continue;
            }
            if (operation?.Parent is IConversionOperation { IsImplicit: true } conversion &&
                conversion.Conversion.IsUserDefined && conversion.Syntax == expression &&
                conversion.OperatorMethod?.ContainingType.ToDisplayString() == "TorchSharp.Scalar")
                yield return expression;
        }
    }

    /// <summary>Whether the overload takes its alpha (add, sub: after the operand) or value (addcmul, addcdiv) as a Scalar.</summary>
    private static bool HasExplicitAlpha(IMethodSymbol method)
    {
        var scalars = method.Parameters.Count(p => p.Type.ToDisplayString() == "TorchSharp.Scalar");
        var operandIsScalar = method.Parameters.Length > 0 && method.Parameters[0].Type.ToDisplayString() == "TorchSharp.Scalar";
        return method.Name.StartsWith("addc", StringComparison.Ordinal) ? scalars >= 1 : scalars >= (operandIsScalar ? 2 : 1);
    }

    private static CSharpCompilation Compile(string[] files, params SyntaxTree[] extra)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, path: f)).Concat(extra);
        // The test's own output folder holds TorchSharp, ML.NET and the rest; the platform's assemblies come from the host.
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var local = Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Where(p => !Path.GetFileName(p).StartsWith("MLNetAutoencoders", StringComparison.Ordinal));
        var references = platform.Concat(local)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First())
            .Where(IsManagedAssembly)
            .Select(p => MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create("ImplicitScalarProbe", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
