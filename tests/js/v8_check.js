// Runs rendered Beacon identify calls in Node's V8, one fresh vm context
// per case, and checks what the stub `window.Beacon` received against the
// expected fields. The signature is computed here with Node's own crypto,
// independently of the Rust code that rendered the calls.
//
// Usage: node v8_check.js CASES.json
//   CASES.json: [{engine, id, secret, text, expected: [[key, value], ...]}, ...]
//   `expected` is the identify object without the signature, in emitted order.
// Prints one JSON line: {cases, passed, perEngine, mismatchCount, mismatches}.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const vm = require("vm");

// The stub and the traps, run in each fresh context before the case.
const PRELUDE = new vm.Script(`
  globalThis.window = globalThis;
  (function () {
    var calls = [], traps = [];
    function trap(kind) {
      return function () {
        traps.push(kind + ": " + Array.prototype.map.call(arguments, String).join(" | "));
      };
    }
    globalThis.alert = trap("alert");
    globalThis.prompt = trap("prompt");
    globalThis.confirm = trap("confirm");
    function beacon() {
      calls.push(Array.prototype.slice.call(arguments));
    }
    window.Beacon = beacon;
    Object.defineProperty(globalThis, "__beaconTest", {
      value: {calls: calls, traps: traps, beacon: beacon, objectPrototype: Object.prototype},
    });
  })();
`, {filename: "prelude.js"});

const SIGNATURE = /^[0-9a-f]{64}$/;

function signature(secret, email) {
  return crypto.createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(Buffer.from(email, "utf8"))
    .digest("hex");
}

function describe(value) {
  if (typeof value === "string") return JSON.stringify(value).slice(0, 400);
  if (Object.is(value, -0)) return "-0";
  try {
    return String(JSON.stringify(value)).slice(0, 400);
  } catch (e) {
    return String(value);
  }
}

// Returns a list of problems with one case; empty when it passed.
function check(c) {
  const problems = [];
  const sandbox = {};
  const context = vm.createContext(sandbox);
  PRELUDE.runInContext(context);
  const t = sandbox.__beaconTest;
  const globalsBefore = Object.getOwnPropertyNames(sandbox).sort().join(",");
  try {
    new vm.Script(c.text, {filename: "case-" + c.engine + "-" + c.id + ".js"}).runInContext(context);
  } catch (e) {
    problems.push("threw: " + String(e && e.stack || e).split("\n")[0]);
  }
  if (t.traps.length) problems.push("traps fired: " + t.traps.join("; "));
  if (sandbox.Beacon !== t.beacon) problems.push("window.Beacon was replaced");
  const globalsAfter = Object.getOwnPropertyNames(sandbox).sort().join(",");
  if (globalsAfter !== globalsBefore) problems.push("globals changed: " + globalsAfter);
  if (t.calls.length !== 1) {
    problems.push("expected 1 call, got " + t.calls.length);
    return problems;
  }
  const args = t.calls[0];
  if (args.length !== 2 || args[0] !== "identify") {
    problems.push("arguments: " + describe(args));
    return problems;
  }
  const data = args[1];
  if (data === null || typeof data !== "object" ||
      Object.getPrototypeOf(data) !== t.objectPrototype) {
    problems.push("not a plain object: " + describe(data));
    return problems;
  }

  // The expected object, with its keys defined in emitted order so that
  // Object.keys orders them as V8 orders an object literal's (array-index
  // keys first). defineProperty, not assignment: `expected["__proto__"] = v`
  // would set the prototype instead of making a property.
  const expected = {};
  const define = (key, value) => Object.defineProperty(expected, key, {
    value: value, enumerable: true, writable: true, configurable: true,
  });
  for (const [key, value] of c.expected) define(key, value);
  if (typeof expected.email !== "string") {
    problems.push("case has no email");
    return problems;
  }
  define("signature", signature(c.secret, expected.email));

  const gotKeys = Object.keys(data);
  const wantKeys = Object.keys(expected);
  if (gotKeys.join("\u0000") !== wantKeys.join("\u0000")) {
    problems.push("keys " + describe(gotKeys) + ", expected " + describe(wantKeys));
  }
  for (const key of wantKeys) {
    const got = data[key], want = expected[key];
    if (typeof got !== typeof want || !Object.is(got, want)) {
      problems.push(key + ": got " + describe(got) + ", expected " + describe(want));
    }
  }
  if (!SIGNATURE.test(String(data.signature))) {
    problems.push("signature is not 64 lower-case hex digits: " + describe(data.signature));
  }
  return problems;
}

function main() {
  const path = process.argv[2];
  if (!path) throw new Error("usage: node v8_check.js CASES.json");
  const cases = JSON.parse(fs.readFileSync(path, "utf8"));
  const perEngine = {};
  const mismatches = [];
  let passed = 0;
  for (const c of cases) {
    perEngine[c.engine] = (perEngine[c.engine] || 0) + 1;
    const problems = check(c);
    if (problems.length === 0) {
      passed += 1;
    } else if (mismatches.length < 20) {
      mismatches.push({engine: c.engine, id: c.id, problems: problems, text: c.text.slice(0, 600)});
    }
  }
  const mismatchCount = cases.length - passed;
  process.stdout.write(JSON.stringify({
    cases: cases.length, passed: passed, perEngine: perEngine,
    mismatchCount: mismatchCount, mismatches: mismatches,
  }) + "\n");
}

main();
