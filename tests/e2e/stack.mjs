// What the end-to-end suite runs: tiny GGUF models, llama-server, the configuration with
// recorded (replay) answers, and `drux serve`. Every process and temporary file belongs to a
// Stack, which stops and removes them all.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const MAKE_TINY_GGUF = path.resolve(here, "../support/make_tiny_gguf.py");

export class Stack {
  constructor() {
    this.root = mkdtempSync(path.join(os.tmpdir(), "drux-e2e-"));
    this.processes = [];
    this.failed = false;
  }

  tempDir(name) {
    const dir = path.join(this.root, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  // Starts command with its output in a log file under the stack's directory.
  spawn(name, command, args) {
    const log = path.join(this.tempDir("logs"), `${name}.log`);
    const fd = openSync(log, "w");
    const child = spawn(command, args, { stdio: ["ignore", fd, fd] });
    closeSync(fd);
    const entry = { name, child, log, exited: null };
    child.on("exit", (code, signal) => { entry.exited = signal ?? code; });
    this.processes.push(entry);
    return entry;
  }

  logTail(entry, bytes = 3000) {
    const text = readFileSync(entry.log, "utf8");
    return text.slice(-bytes);
  }

  // Stops every process (SIGTERM, then SIGKILL after 10 s) and removes the directory, unless a
  // test failed: then its logs stay for reading and their place is printed.
  async stop() {
    await Promise.all(this.processes.map(async (entry) => {
      if (entry.exited !== null) return;
      entry.child.kill("SIGTERM");
      for (let i = 0; i < 100 && entry.exited === null; i++) await sleep(100);
      if (entry.exited === null) entry.child.kill("SIGKILL");
    }));
    if (this.failed) console.error(`drux e2e: logs kept in ${this.root}/logs`);
    else rmSync(this.root, { recursive: true, force: true });
  }
}

async function run(command, args) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => { output += chunk; });
  child.stderr.on("data", (chunk) => { output += chunk; });
  const code = await new Promise((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${code}):\n${output}`);
  return output;
}

// A tiny random-weight chat model (tests/support/make_tiny_gguf.py), as the C++ tests make.
export async function makeTinyModel(ggufPy, output, options) {
  await run("/usr/bin/python3", [MAKE_TINY_GGUF, output, "--gguf-py", ggufPy, ...options]);
  return output;
}

// Polls the log of entry until pattern matches; fails with the log's end if the process
// exits or the time runs out.
async function waitForLog(stack, entry, pattern, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const match = pattern.exec(readFileSync(entry.log, "utf8"));
    if (match) return match;
    if (entry.exited !== null) {
      throw new Error(`${entry.name} exited (${entry.exited}) during startup; its log ends with:\n${stack.logTail(entry)}`);
    }
    await sleep(50);
  }
  throw new Error(`${entry.name} did not print ${pattern} within ${seconds} s; its log ends with:\n${stack.logTail(entry)}`);
}

// llama-server on a port the kernel picks, one CPU thread, never reaching for the network.
// Returns its OpenAI-compatible base URL once GET /health answers 200.
// contextSize is shared by the two parallel slots.
export async function startLlamaServer(stack, binary, model, contextSize) {
  const entry = stack.spawn(`llama-server-${path.basename(model, ".gguf")}`, binary, [
    "--model", model, "--host", "127.0.0.1", "--port", "0", "--ctx-size", String(contextSize), "--parallel", "2",
    "--threads", "1", "--threads-batch", "1", "--no-webui", "--no-warmup", "--offline",
  ]);
  const [, port] = await waitForLog(stack, entry, /listening on http:\/\/127\.0\.0\.1:(\d+)/, 60);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (healthy) return `http://127.0.0.1:${port}/v1`;
    await sleep(100);
  }
  throw new Error(`llama-server on port ${port} was not healthy in 60 s:\n${stack.logTail(entry)}`);
}

// `drux serve`; returns its base URL from its "listening on" line.
export async function startDruxServe(stack, binary, args) {
  const entry = stack.spawn("drux-serve", binary, ["serve", ...args]);
  const [, address] = await waitForLog(stack, entry, /drux serve: listening on (http:\/\/\S+)/, 60);
  return address.replace(/\/$/, "");
}

function jsonl(generator, records) {
  return records.map(([instruction, output]) => JSON.stringify({ instruction, output, generator })).join("\n") + "\n";
}

const XSS_OUTPUT = 'Here is an example: <script>window.__xss=1</script> and <img src=x onerror="window.__xss=2">.\n\n' +
  "Both tags are only text here.";

// The recorded answers and the configuration: the free panel `open` (three replay members,
// one of which fails the main question because it has no record of it, and a streaming
// tiny model) and the premium panels `premium` and `frontier` (a priced llama-server member).
export function writeFixtures(dir, { fastEndpoint, slowEndpoint, question, xssQuestion, premiumQuestion }) {
  const file = (name, text) => {
    const full = path.join(dir, name);
    writeFileSync(full, text);
    return full;
  };
  const alpha = file("alpha.jsonl", jsonl("alpha-7b", [
    [question, "The Nobel Prize was first awarded in 1901.\n\nThe prizes are presented in Stockholm every December.\n\n" +
      "Alfred Nobel funded the prizes in his will."],
    [xssQuestion, XSS_OUTPUT],
    [premiumQuestion, "Alfred Nobel funded the prizes in his will."],
  ]));
  const beta = file("beta.jsonl", jsonl("beta-8b", [
    [question, "The Nobel Prize was first awarded in 1902.\n\nThe prizes are presented in Stockholm every December.\n\n" +
      "The Peace Prize is awarded in Oslo."],
  ]));
  const gamma = file("gamma.jsonl", jsonl("gamma-3b", [[xssQuestion, XSS_OUTPUT]]));
  const toml = `
[defaults]
panel = "open"
member_timeout_seconds = 120

[models.alpha]
provider = "replay"
endpoint = ${JSON.stringify(alpha)}

[models.beta]
provider = "replay"
endpoint = ${JSON.stringify(beta)}

[models.gamma]
provider = "replay"
endpoint = ${JSON.stringify(gamma)}

[models.tiny]
provider = "openai"
endpoint = ${JSON.stringify(slowEndpoint)}
max_tokens = 160
temperature = 0.0

[models.synth]
provider = "openai"
endpoint = ${JSON.stringify(fastEndpoint)}
max_tokens = 48
temperature = 0.0

[models.frontier]
provider = "openai"
endpoint = ${JSON.stringify(fastEndpoint)}
max_tokens = 32
temperature = 0.0
price_input_per_mtok = 3.0
price_output_per_mtok = 15.0

[synthesis]
model = "synth"
max_tokens = 48
timeout_seconds = 120

[panels]
open = ["alpha", "beta", "gamma", "tiny"]
premium = ["frontier", "alpha"]
# Replaces the built-in cloud panel of that name: "Run on frontier models" asks it.
frontier = ["frontier", "alpha"]
`;
  return file("drux.toml", toml);
}
