// Scores the ONNX file that the tests exported (artifacts/onnx-check/, written by SecondRuntimeCheckFileTests) with
// onnxruntime-node, a runtime other than the one ML.NET's ApplyOnnxModel uses in the tests, and compares every output
// listed in check.json with the values ML.NET and TorchSharp gave. Exits 1 when the folder, the file or an output is
// missing, a shape differs, or any value differs by more than 1e-4 relative (|a - b| / max(|a|, 1e-3)).
//
// Usage: node build/Onnx/score-with-onnxruntime-node.mjs [folder]   (after: npm ci --prefix build/Onnx --ignore-scripts)
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';

const tolerance = 1e-4;
const here = dirname(fileURLToPath(import.meta.url));
const folder = resolve(process.argv[2] ?? join(here, '..', '..', 'artifacts', 'onnx-check'));
const checkPath = join(folder, 'check.json');

function fail(message) {
  console.error(`onnx-check FAILED: ${message}`);
  process.exit(1);
}

if (!existsSync(checkPath)) fail(`${checkPath} is missing: run the tests first (SecondRuntimeCheckFileTests writes it).`);
const check = JSON.parse(readFileSync(checkPath, 'utf8'));
const modelPath = join(folder, check.model);
if (!existsSync(modelPath)) fail(`${modelPath} is missing.`);

const session = await ort.InferenceSession.create(modelPath);
console.log(`onnxruntime-node ${ort.env.versions.node} scores ${modelPath}`);
console.log(`  graph inputs: ${session.inputNames.join(', ')}`);

const feeds = {};
for (const name of session.inputNames) {
  const input = check.inputs[name];
  if (!input) fail(`check.json has no values for the graph input '${name}'.`);
  feeds[name] = new ort.Tensor('float32', Float32Array.from(input.data), input.dims);
}
const results = await session.run(feeds);

let failures = 0;
for (const [name, want] of Object.entries(check.outputs)) {
  const got = results[name];
  if (!got) {
    console.error(`  ${name}: not an output of the graph (outputs: ${session.outputNames.join(', ')})`);
    failures++;
    continue;
  }
  if (got.dims.join('x') !== want.dims.join('x')) {
    console.error(`  ${name}: shape ${got.dims.join('x')}, expected ${want.dims.join('x')}`);
    failures++;
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
  console.log(`  ${name} [${got.type} ${got.dims.join('x')}]: worst relative difference ${worst.toExponential(2)} ${ok ? 'ok' : `> ${tolerance}`}`);
}
if (failures > 0) fail(`${failures} output(s) differ from ML.NET/TorchSharp.`);
console.log(`onnx-check: ${Object.keys(check.outputs).length} outputs within ${tolerance} relative`);
