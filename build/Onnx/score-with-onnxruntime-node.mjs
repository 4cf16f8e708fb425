// Scores the ONNX files that the tests exported (artifacts/onnx-check/<name>/, one folder per model, each with model.onnx
// and check.json, written by SecondRuntimeCheckFileTests) with onnxruntime-node, a runtime other than the one ML.NET's
// ApplyOnnxModel uses in the tests, and compares every output listed in check.json with the values ML.NET and TorchSharp
// gave: float outputs within 1e-4 relative (|a - b| / max(|a|, 1e-3)), bool and integer outputs (a detector's
// PredictedLabel, KMeans' cluster index) exactly. Every folder found is
// checked. Exits 1 when no folder is found, an expected folder (expectedModels) or a folder's file is missing, an
// output is missing or has another shape or element type, or any value differs.
//
// Usage: node build/Onnx/score-with-onnxruntime-node.mjs [folder]   (after: npm ci --prefix build/Onnx --ignore-scripts)
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';

// The folders SecondRuntimeCheckFileTests writes (its KSparseKMeans, DensityDetector, VaeElboDetector and ConvEmbedding constants).
const expectedModels = ['ksparse-kmeans', 'detector-density', 'vae-detector-elbo', 'conv-embedding'];
const tolerance = 1e-4;
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(process.argv[2] ?? join(here, '..', '..', 'artifacts', 'onnx-check'));

function fail(message) {
  console.error(`onnx-check FAILED: ${message}`);
  process.exit(1);
}

if (!existsSync(root)) fail(`${root} is missing: run the tests first (SecondRuntimeCheckFileTests writes it).`);
const found = readdirSync(root, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => e.name).sort();
if (found.length === 0) fail(`${root} holds no model folder: run the tests first (SecondRuntimeCheckFileTests writes them).`);
const missing = expectedModels.filter(name => !found.includes(name));
if (missing.length > 0) fail(`${root} lacks the expected folder(s) ${missing.join(', ')} (found: ${found.join(', ')}).`);

console.log(`onnxruntime-node ${ort.env.versions.node} scores ${found.length} model(s) in ${root}`);

// Scores one folder; returns the number of failed outputs (a missing file counts as one).
async function check(name) {
  const folder = join(root, name);
  const checkPath = join(folder, 'check.json');
  if (!existsSync(checkPath)) {
    console.error(`${name}: ${checkPath} is missing`);
    return 1;
  }
  const check = JSON.parse(readFileSync(checkPath, 'utf8'));
  const modelPath = join(folder, check.model);
  if (!existsSync(modelPath)) {
    console.error(`${name}: ${modelPath} is missing`);
    return 1;
  }
  const session = await ort.InferenceSession.create(modelPath);
  console.log(`${name}: graph inputs ${session.inputNames.join(', ')}`);

  const feeds = {};
  for (const input of session.inputNames) {
    const values = check.inputs[input];
    if (!values) {
      console.error(`  check.json has no values for the graph input '${input}'`);
      return 1;
    }
    feeds[input] = new ort.Tensor('float32', Float32Array.from(values.data), values.dims);
  }
  const results = await session.run(feeds);

  let failures = 0;
  const outputs = Object.entries(check.outputs);
  if (outputs.length === 0) {
    console.error('  check.json lists no output');
    return 1;
  }
  for (const [output, want] of outputs) {
    const got = results[output];
    const wantType = want.type ?? 'float32';
    if (!got) {
      console.error(`  ${output}: not an output of the graph (outputs: ${session.outputNames.join(', ')})`);
      failures++;
      continue;
    }
    if (got.dims.join('x') !== want.dims.join('x') || got.data.length !== want.data.length) {
      console.error(`  ${output}: shape ${got.dims.join('x')}, expected ${want.dims.join('x')} (${want.data.length} values)`);
      failures++;
      continue;
    }
    if (got.type !== wantType) {
      console.error(`  ${output}: element type ${got.type}, expected ${wantType}`);
      failures++;
      continue;
    }
    const shape = `[${got.type} ${got.dims.join('x')}]`;
    if (wantType !== 'float32') {
      // Exact: bool (JSON true/false against onnxruntime's 0/1 bytes) and integers.
      const value = wantType === 'bool' ? v => Boolean(v) : v => Number(v);
      let differing = 0;
      for (let i = 0; i < want.data.length; i++) {
        if (value(got.data[i]) !== want.data[i]) differing++;
      }
      const distinct = [...new Set(want.data)].sort().map(v => `${v}: ${want.data.filter(w => w === v).length}`).join(', ');
      if (differing > 0) failures++;
      console.log(`  ${output} ${shape}: ${differing} of ${want.data.length} values differ (expected ${distinct}) ${differing === 0 ? 'ok' : '> 0'}`);
      continue;
    }
    let worst = 0;
    for (let i = 0; i < want.data.length; i++) {
      const a = want.data[i];
      const b = Number(got.data[i]);
      const relative = Math.abs(a - b) / Math.max(Math.abs(a), 1e-3);
      worst = Number.isNaN(relative) ? Infinity : Math.max(worst, relative);
    }
    const ok = worst <= tolerance;
    if (!ok) failures++;
    console.log(`  ${output} ${shape}: worst relative difference ${worst.toExponential(2)} ${ok ? 'ok' : `> ${tolerance}`}`);
  }
  return failures;
}

let failures = 0;
for (const name of found) {
  failures += await check(name);
}
if (failures > 0) fail(`${failures} output(s) or file(s) differ from ML.NET/TorchSharp or are missing.`);
console.log(`onnx-check: ${found.length} model(s) (${found.join(', ')}), every float output within ${tolerance} relative, the others exact`);
