#!/usr/bin/env bash
# Consumer smoke test of the NuGet packages.
#
# Packs MLNetAutoencoders.Transforms and MLNetAutoencoders.Estimators (Release) into a temporary local feed
# and checks the packed .nuspec files (Microsoft.ML >= 5.0.1: the repository builds against 6.0.0, see
# Directory.Packages.props). Then, once per Microsoft.ML version given (default: 5.0.1 and 6.0.0), builds and
# runs, in a temporary folder under /tmp (outside the repository, so none of its Directory.Build.* /
# Directory.Packages.props apply), a console application that references MLNetAutoencoders.Estimators 0.1.0
# and that exact Microsoft.ML version. The application prints the Microsoft.ML version it loaded (checked),
# trains a tiny autoencoder, prints its embeddings, saves the model, loads it back in the same process and
# again in a fresh process, and checks that the loaded model reproduces the embeddings. The train run also exports
# the fitted model with ML.NET's ConvertToOnnx (Microsoft.ML.OnnxConverter, the version paired with that
# Microsoft.ML: see onnx_converter_for), scores the file with ApplyOnnxModel (Microsoft.ML.OnnxTransformer on
# Microsoft.ML.OnnxRuntime $ONNXRUNTIME) and checks that its Embedding matches the transformer's within 1e-4
# relative (|a-b| / max(|a|, 1e-3)), printing the worst difference. On a system whose
# libstdc++ lacks GLIBCXX_3.4.32 (Debian 12) it also checks that the package's buildTransitive native fix
# patched the output folder's libLibTorchSharp.so. One consumer folder (~500 MB of libtorch) at a time: each
# is removed before the next is built.
#
# Usage: bash build/Packaging/consumer-smoke.sh [MICROSOFT_ML_VERSION...]   (default: 5.0.1 6.0.0)
#        (from anywhere; needs the .NET SDK on PATH)
# Env:   SMOKE_KEEP=1 keeps the temporary folders (then every consumer output stays: ~500 MB each).
#
# Changes nothing tracked in the repository (pack builds into the projects' usual, ignored bin/ and obj/).
# Removes any cached copy of OUR packages (mlnetautoencoders.*) from the NuGet packages folder before
# restoring, so a stale 0.1.0 from an earlier run is never tested, and again when done.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION="0.1.0"
# The lower bound our packages declare (Directory.Packages.props) and the versions the consumers run on.
MLNET_MINIMUM="5.0.1"
if [ "$#" -gt 0 ]; then MLNET_VERSIONS=("$@"); else MLNET_VERSIONS=("$MLNET_MINIMUM" "6.0.0"); fi
# ONNX export and scoring in the consumer: Microsoft.ML.OnnxTransformer takes the Microsoft.ML version itself.
ONNXRUNTIME="1.32.0"
# onnx_converter_for MICROSOFT_ML_VERSION: the Microsoft.ML.OnnxConverter released with it (0.x numbering).
onnx_converter_for() {
  case "$1" in
    5.0.1) echo 0.23.1 ;;
    6.0.0) echo 0.24.0 ;;
    *) fail "no Microsoft.ML.OnnxConverter known to pair with Microsoft.ML $1 (add it to onnx_converter_for)" ;;
  esac
}
PACKAGES_DIR="${NUGET_PACKAGES:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.nuget/packages}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '[consumer-smoke] %s\n' "$*"; }
fail() { printf '[consumer-smoke] FAIL: %s\n' "$*" >&2; exit 1; }

forget_our_packages() {
  # Lower-case folder names in the global packages folder; never touch anything else there.
  rm -rf "$PACKAGES_DIR"/mlnetautoencoders.transforms "$PACKAGES_DIR"/mlnetautoencoders.estimators
  local leftover
  for leftover in "$PACKAGES_DIR"/mlnetautoencoders.*; do
    [ -e "$leftover" ] && rm -rf "$leftover"
  done
  return 0
}

WORK="$(mktemp -d /tmp/mlnetae-consumer-smoke.XXXXXX)"
cleanup() {
  local rc=$?
  if [ "${SMOKE_KEEP:-0}" = "1" ]; then
    say "kept $WORK"
  else
    rm -rf "$WORK"
    forget_our_packages
  fi
  exit $rc
}
trap cleanup EXIT

FEED="$WORK/feed"
mkdir -p "$FEED"

# The consumers (under $WORK) must see none of the repository's MSBuild files: /tmp is outside it, but check
# every parent.
dir="$WORK/consumer"
while [ "$dir" != "/" ]; do
  dir="$(dirname "$dir")"
  for f in Directory.Build.props Directory.Build.targets Directory.Packages.props global.json; do
    [ -e "$dir/$f" ] && fail "$dir/$f would apply to the consumer project"
  done
done

tracked_before="$(git -C "$REPO_ROOT" status --porcelain --untracked-files=no 2>/dev/null || true)"

# NU1603 (a dependency's lower bound not on the feed, the next version taken) is expected here and repeated
# for every project and pass: counted, not shown.
quiet_nu1603() { grep -v 'warning NU1603' || true; }

say "packing into $FEED"
for project in src/Transforms/MLNetAutoencoders.Transforms.csproj src/Estimators/MLNetAutoencoders.Estimators.csproj; do
  # pipefail: a failing pack fails the script.
  dotnet pack "$REPO_ROOT/$project" -c Release -o "$FEED" -nologo -v:q -clp:NoSummary 2>&1 | quiet_nu1603
done
for id in MLNetAutoencoders.Transforms MLNetAutoencoders.Estimators; do
  [ -f "$FEED/$id.$VERSION.nupkg" ] || fail "missing $id.$VERSION.nupkg"
  [ -f "$FEED/$id.$VERSION.snupkg" ] || fail "missing $id.$VERSION.snupkg"
done

# The package layout the consumer relies on.
transforms_listing="$(unzip -Z1 "$FEED/MLNetAutoencoders.Transforms.$VERSION.nupkg")"
for entry in buildTransitive/MLNetAutoencoders.Transforms.targets buildTransitive/MLNetAutoencoders.NativeFix.targets \
             buildTransitive/GlibcxxWeakVersionPatcher.cs lib/net10.0/MLNetAutoencoders.Transforms.dll \
             lib/net10.0/MLNetAutoencoders.Transforms.xml README.md; do
  grep -qxF "$entry" <<<"$transforms_listing" || fail "MLNetAutoencoders.Transforms.$VERSION.nupkg lacks $entry"
done
transforms_nuspec="$(unzip -p "$FEED/MLNetAutoencoders.Transforms.$VERSION.nupkg" MLNetAutoencoders.Transforms.nuspec)"
# version="5.0.1" in a .nuspec means [5.0.1, ): the packages must not ask for the 6.0.0 the repository builds with.
grep -q "<dependency id=\"Microsoft.ML\" version=\"$MLNET_MINIMUM\"" <<<"$transforms_nuspec" \
  || fail "Transforms nuspec: the Microsoft.ML dependency is not >= $MLNET_MINIMUM: $(grep -o '<dependency id="Microsoft.ML"[^>]*>' <<<"$transforms_nuspec")"
say "Transforms nuspec: $(grep -o '<dependency id="Microsoft.ML" version="[^"]*"' <<<"$transforms_nuspec") (a lower bound)"
grep -q '<dependency id="TorchSharp-cpu" version="0.107.0"' <<<"$transforms_nuspec" || fail "Transforms nuspec: no TorchSharp-cpu 0.107.0 dependency"
estimators_nuspec="$(unzip -p "$FEED/MLNetAutoencoders.Estimators.$VERSION.nupkg" MLNetAutoencoders.Estimators.nuspec)"
grep -q "<dependency id=\"MLNetAutoencoders.Transforms\" version=\"$VERSION\"" <<<"$estimators_nuspec" || fail "Estimators nuspec: no MLNetAutoencoders.Transforms dependency"
say "packages: $(cd "$FEED" && ls | tr '\n' ' ')"

forget_our_packages

RID="$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')"
[ -n "$RID" ] || RID=linux-x64

# In $WORK, so NuGet finds it from every consumer folder below.
cat >"$WORK/NuGet.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <!-- The local feed first; the machine's default sources (nuget.org) stay in effect. -->
  <packageSources>
    <add key="mlnetautoencoders-smoke" value="$FEED" />
  </packageSources>
</configuration>
EOF

# smoke_consumer MICROSOFT_ML_VERSION: builds and runs the consumer against that Microsoft.ML version, then
# removes its folder (unless SMOKE_KEEP=1).
smoke_consumer() {
  local MLNET=$1 START=$SECONDS
  local APP="$WORK/consumer-$MLNET" OUT warnings restored libstdcxx ONNX_CONVERTER
  ONNX_CONVERTER="$(onnx_converter_for "$MLNET")"
  mkdir -p "$APP"
  say "=== consumer on Microsoft.ML $MLNET (OnnxConverter $ONNX_CONVERTER, OnnxRuntime $ONNXRUNTIME) ==="
  cat >"$APP/Consumer.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <RuntimeIdentifier>$RID</RuntimeIdentifier>
    <SelfContained>false</SelfContained>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="MLNetAutoencoders.Estimators" Version="$VERSION" />
    <!-- Explicit, so the consumer runs on this version rather than on the lowest our packages allow. -->
    <PackageReference Include="Microsoft.ML" Version="$MLNET" />
    <!-- ONNX export (ConvertToOnnx) and scoring of the exported file (ApplyOnnxModel). -->
    <PackageReference Include="Microsoft.ML.OnnxConverter" Version="$ONNX_CONVERTER" />
    <PackageReference Include="Microsoft.ML.OnnxTransformer" Version="$MLNET" />
    <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="$ONNXRUNTIME" />
  </ItemGroup>
</Project>
EOF

  cat >"$APP/Program.cs" <<'EOF'
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var mode = args[0];
var folder = args[1];
var modelPath = Path.Combine(folder, "autoencoder.zip");
var embeddingsPath = Path.Combine(folder, "embeddings.txt");
var onnxPath = Path.Combine(folder, "autoencoder.onnx");

// The Microsoft.ML the process loaded (Microsoft.ML.Data, where MLContext lives), e.g. "6.0.0+<commit>".
var mlnet = typeof(MLContext).Assembly
    .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
    .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
Console.WriteLine("Microsoft.ML loaded: " + mlnet.Split('+')[0]);

var ml = new MLContext(seed: 1);
var rows = Enumerable.Range(0, 24)
    .Select(i => new Row { Features = new[] { i % 2, (i % 3) / 2f, (i % 4) / 3f, (i % 5) / 4f } })
    .ToArray();
var data = ml.Data.LoadFromEnumerable(rows);

static float[][] Embeddings(IDataView scored) =>
    scored.GetColumn<VBuffer<float>>(scored.Schema["Embedding"]).Select(v => v.DenseValues().ToArray()).ToArray();

static string Format(float[] v) => "[" + string.Join(", ", v.Select(x => x.ToString("F5"))) + "]";

static void SameOrThrow(float[][] expected, float[][] actual, string what)
{
    if (expected.Length != actual.Length)
        throw new Exception($"{what}: {actual.Length} rows, expected {expected.Length}");
    for (var r = 0; r < expected.Length; r++)
        for (var c = 0; c < expected[r].Length; c++)
            if (Math.Abs(expected[r][c] - actual[r][c]) > 1e-5f)
                throw new Exception($"{what}: row {r} is {Format(actual[r])}, expected {Format(expected[r])}");
}

switch (mode)
{
    case "train":
    {
        var estimator = ml.Transforms.Autoencoder(new AutoencoderOptions
        {
            LatentDimension = 2,
            HiddenLayerSizes = new[] { 8 },
            NumberOfEpochs = 2,
            BatchSize = 8,
            Seed = 1,
        });
        var model = estimator.Fit(data);
        var scored = model.Transform(data);
        Console.WriteLine("columns: " + string.Join(", ", scored.Schema.Select(c => $"{c.Name}:{c.Type}")));
        var embeddings = Embeddings(scored);
        if (embeddings.Any(e => e.Length != 2 || e.Any(x => !float.IsFinite(x))))
            throw new Exception("embeddings must be finite vectors of size 2");
        for (var r = 0; r < 3; r++)
            Console.WriteLine($"embedding {r}: {Format(embeddings[r])}");

        ml.Model.Save(model, data.Schema, modelPath);
        Console.WriteLine($"saved: {new FileInfo(modelPath).Length} bytes");
        var loaded = ml.Model.Load(modelPath, out _);
        SameOrThrow(embeddings, Embeddings(loaded.Transform(data)), "model loaded in-process");
        Console.WriteLine("loaded in-process: embeddings reproduced");

        // ONNX: every column of the view given to ConvertToOnnx becomes a graph input; `data` holds Features alone.
        if (data.Schema.Count != 1 || data.Schema[0].Name != "Features")
            throw new Exception("the ONNX export's data view must hold only the Features column");
        using (var stream = File.Create(onnxPath))
            ml.Model.ConvertToOnnx(model, data, stream);
        Console.WriteLine($"ONNX exported: {new FileInfo(onnxPath).Length} bytes");
        // ApplyOnnxModel names its columns after the graph's outputs without ".output".
        var onnxScored = ml.Transforms.ApplyOnnxModel(onnxPath).Fit(data).Transform(data);
        var onnxEmbeddings = Embeddings(onnxScored);
        if (onnxEmbeddings.Length != embeddings.Length)
            throw new Exception($"ONNX Embedding: {onnxEmbeddings.Length} rows, expected {embeddings.Length}");
        double worst = 0;
        for (var r = 0; r < embeddings.Length; r++)
        {
            if (onnxEmbeddings[r].Length != embeddings[r].Length)
                throw new Exception($"ONNX Embedding: row {r} has {onnxEmbeddings[r].Length} values, expected {embeddings[r].Length}");
            for (var c = 0; c < embeddings[r].Length; c++)
            {
                var relative = Math.Abs((double)embeddings[r][c] - onnxEmbeddings[r][c]) / Math.Max(Math.Abs((double)embeddings[r][c]), 1e-3);
                worst = Math.Max(worst, relative); // Math.Max returns NaN if either is NaN: a NaN fails below
            }
        }
        if (!(worst <= 1e-4))
            throw new Exception($"ONNX Embedding differs from the transformer's: worst relative difference {worst:G3} > 1e-4");
        Console.WriteLine($"ONNX scored by ApplyOnnxModel: Embedding matches within 1e-4 relative (worst {worst:G3})");
        File.WriteAllLines(embeddingsPath, embeddings.Select(e => string.Join(" ", e.Select(x => x.ToString("R")))));
        break;
    }
    case "load":
    {
        var expected = File.ReadAllLines(embeddingsPath)
            .Select(l => l.Split(' ').Select(x => float.Parse(x, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var loaded = ml.Model.Load(modelPath, out _);
        SameOrThrow(expected, Embeddings(loaded.Transform(data)), "model loaded in a fresh process");
        Console.WriteLine("loaded in a fresh process: embeddings reproduced");
        break;
    }
    default:
        throw new ArgumentException($"unknown mode '{mode}'");
}
Console.WriteLine($"SMOKE {mode} OK");

sealed class Row
{
    [VectorType(4)]
    public float[] Features { get; set; } = Array.Empty<float>();
}
EOF

  say "building the consumer ($RID, Microsoft.ML $MLNET) in $APP"
  # -v:n so the native fix's "Patched" message is in the log.
  if ! dotnet build "$APP/Consumer.csproj" -c Release -nologo -v:n >"$APP/build.log" 2>&1; then
    grep -E 'error|warning' "$APP/build.log" | sort -u | tail -40 >&2 || true
    fail "consumer build on Microsoft.ML $MLNET failed (log: $APP/build.log, kept only with SMOKE_KEEP=1)"
  fi
  warnings="$(grep -E ' warning [A-Z]+[0-9]+' "$APP/build.log" | sed -E 's/^ *([0-9]+>)?//' | sort -u || true)"
  grep -v 'warning NU1603' <<<"$warnings" | sed '/^$/d; s/^/[consumer-smoke]   build: /' || true
  say "consumer build succeeded ($(grep -c 'warning NU1603' <<<"$warnings" || true) distinct NU1603 restore warnings)"

  OUT="$APP/bin/Release/net10.0/$RID"
  [ -f "$OUT/Consumer.dll" ] || fail "no $OUT/Consumer.dll"
  [ -f "$OUT/libLibTorchSharp.so" ] || fail "no libLibTorchSharp.so in $OUT (native assets not copied for $RID)"
  restored="$(find "$PACKAGES_DIR/mlnetautoencoders.estimators" "$PACKAGES_DIR/mlnetautoencoders.transforms" -maxdepth 1 -mindepth 1 -printf '%f ' 2>/dev/null || true)"
  say "restored our packages from the local feed: versions $restored"
  grep -q "\"Microsoft.ML/$MLNET\"" "$APP/obj/project.assets.json" || fail "the consumer did not restore Microsoft.ML $MLNET"

  # The buildTransitive native fix must have run; it only has work to do where libstdc++ lacks GLIBCXX_3.4.32.
  libstdcxx="$(ls /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 2>/dev/null | head -n1 || true)"
  if [ -n "$libstdcxx" ] && ! grep -qaF 'GLIBCXX_3.4.32' "$libstdcxx"; then
    grep -qF 'libLibTorchSharp.so: GLIBCXX_3.4.32 Patched' "$APP/build.log" \
      || fail "the package's buildTransitive native fix did not patch $OUT/libLibTorchSharp.so"
    say "native fix (buildTransitive) patched $OUT/libLibTorchSharp.so"
  else
    say "libstdc++ provides GLIBCXX_3.4.32: the native fix has nothing to do here"
  fi

  run() {
    local mode=$1 log="$APP/run-$1.log" rc=0
    (cd "$WORK" && dotnet "$OUT/Consumer.dll" "$mode" "$WORK" </dev/null >"$log" 2>&1) || rc=$?
    sed 's/^/[consumer-smoke]   | /' "$log"
    [ "$rc" -eq 0 ] || fail "consumer '$mode' on Microsoft.ML $MLNET exited with $rc"
    grep -qx "Microsoft.ML loaded: $MLNET" "$log" || fail "consumer '$mode' did not load Microsoft.ML $MLNET"
    grep -qx "SMOKE $mode OK" "$log" || fail "consumer '$mode' did not print 'SMOKE $mode OK'"
}
say "run 1: train, print embeddings, save, load in-process"
run train
grep -q '^columns: .*Embedding:Vector<Single, 2>' "$APP/run-train.log" || fail "no 2-wide Embedding column"
grep -q '^embedding 0: \[' "$APP/run-train.log" || fail "no embedding printed"
grep -qx 'loaded in-process: embeddings reproduced' "$APP/run-train.log" || fail "in-process load check missing"
grep -q '^ONNX scored by ApplyOnnxModel: Embedding matches within 1e-4 relative' "$APP/run-train.log" \
  || fail "ONNX export check missing (OnnxConverter $ONNX_CONVERTER)"
say "run 2: load the saved model in a fresh process"
run load

[ "${SMOKE_KEEP:-0}" = "1" ] || rm -rf "$APP"
RESULTS+=("Microsoft.ML $MLNET: passed in $((SECONDS - START))s")
say "consumer on Microsoft.ML $MLNET passed in $((SECONDS - START))s"
}

RESULTS=()
for mlnet in "${MLNET_VERSIONS[@]}"; do
  smoke_consumer "$mlnet"
done

tracked_after="$(git -C "$REPO_ROOT" status --porcelain --untracked-files=no 2>/dev/null || true)"
if [ "$tracked_before" != "$tracked_after" ]; then
  say "WARNING: tracked files in the repository changed during the run (someone else's edit, or this script?):"
  diff <(printf '%s\n' "$tracked_before") <(printf '%s\n' "$tracked_after") | sed 's/^/[consumer-smoke]   /' || true
fi

for line in "${RESULTS[@]}"; do say "  $line"; done
say "PASSED: MLNetAutoencoders.Estimators $VERSION (Microsoft.ML >= $MLNET_MINIMUM) from a local feed builds, trains, saves and loads in a fresh consumer on Microsoft.ML ${MLNET_VERSIONS[*]}"
