// JavaScript harness: `node javascript_runner.js TESTS_JSON FD`, in the folder holding solution.js.
// Protocol on FD, one line each: `S <index>` before a test, `D <index> <json>` after it, `F <json>`
// when the file cannot be loaded, `E` at the end. The solution needs no export: its top-level
// function or class named by the question is picked up (module.exports works too).
'use strict';
const fs = require('fs');
const vm = require('vm');

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const fd = Number(process.argv[3]);
const pause = new Int32Array(new SharedArrayBuffer(4));
function writeAll(target, data) {
  let buffer = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(fs.writeSync(target, buffer));
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 1); // Node made the pipe non-blocking: wait for the reader
    }
  }
}
const send = (line) => writeAll(fd, line + '\n');

// The candidate's output goes out as it is written (a pipe is asynchronous in Node, and output
// queued in memory would dodge the sandbox's output cap and be lost at exit).
for (const [stream, target] of [[process.stdout, 1], [process.stderr, 2]]) {
  stream.write = (chunk, encoding, callback) => {
    writeAll(target, typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : chunk);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  };
}

function where(err) {
  const match = /solution\.js:(\d+)/.exec(String(err && err.stack));
  return match ? ` (solution.js line ${match[1]})` : '';
}
function describe(err) {
  if (err instanceof Error) return `${err.name}: ${err.message}${where(err)}`;
  return `threw ${String(err)}`;
}
function isMemory(err) {
  return err instanceof RangeError && /allocation failed|Invalid array length|Invalid typed array length|Invalid string length/.test(err.message);
}
function plain(value) {
  if (value === undefined) return null;
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v)]));
  if (value instanceof Set) return [...value].map(plain);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

let target;
try {
  const code = fs.readFileSync('solution.js', 'utf8');
  const mod = { exports: {} };
  const wrapper = `(function (require, module, exports) {${code}\n;return typeof ${spec.entry} === 'undefined' ? undefined : ${spec.entry};})`;
  const found = vm.runInThisContext(wrapper, { filename: 'solution.js' })(require, mod, mod.exports);
  target = found !== undefined ? found : (mod.exports && mod.exports[spec.entry]) || (typeof mod.exports === 'function' ? mod.exports : undefined);
} catch (err) {
  send('F ' + JSON.stringify({ error: (err instanceof SyntaxError ? 'syntax error' : 'loading solution.js threw') + `: ${describe(err)}` }));
  process.exit(0);
}
if (typeof target !== 'function') {
  send('F ' + JSON.stringify({ error: `solution.js does not define the ${spec.task} ${spec.entry}` }));
  process.exit(0);
}
async function main() {
for (const test of spec.tests) {
  send(`S ${test.index}`);
  let op = -1;
  const started = process.hrtime.bigint();
  let report;
  try {
    let value;
    if (test.ops) {
      const instance = new target(...test.construct);
      value = [];
      for (op = 0; op < test.ops.length; op++) {
        const [method, args] = test.ops[op];
        if (typeof instance[method] !== 'function') throw new TypeError(`${spec.entry} has no method ${method}`);
        value.push(await instance[method](...args));
      }
    } else {
      value = await target(...test.args);
    }
    report = { ok: true, value: plain(value) };
  } catch (err) {
    report = { ok: false, kind: isMemory(err) ? 'memory' : 'error', error: describe(err), op };
  }
  report.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let line;
  try { line = JSON.stringify(report); } catch (err) { line = JSON.stringify({ ok: false, kind: 'error', error: `the result cannot be shown as JSON: ${err.message}`, seconds: report.seconds }); }
  send(`D ${test.index} ${line}`);
}
send('E');
process.exit(0);
}

main();
