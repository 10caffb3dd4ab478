// Open-loop constant-rate HTTP load generator (Node.js, no dependency).
//
//   node benchmarks/loadgen.mjs --port 8799 --rate 200 --seconds 30 --connections 50 \
//        --paths paths.tsv [--host 127.0.0.1]
//
// `paths.tsv` holds one request per line: `kind<TAB>path` (kind names a group in
// the report, e.g. `page` or `api`); the lines are sent in order, cycled.
//
// Request i is *scheduled* at start + i/rate whatever the server does (open
// loop, as wrk2 does); it goes out on a free keep-alive connection among
// `--connections` (it waits for one when all are busy), and its latency is
// counted from its scheduled time, so queueing on either side shows in the
// figures (no coordinated omission). A request that fails, times out (30 s) or
// answers with a status other than 200 or 304 is an error.
//
// Prints one JSON object: overall and per-kind requests, errors, median, p95,
// p99 and max latency in milliseconds, and the CPU time this process used.

import http from "node:http";
import fs from "node:fs";

function parse(argv) {
  const args = { host: "127.0.0.1", port: 8000, rate: 100, seconds: 10, connections: 50 };
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "");
    args[name] = ["host", "paths"].includes(name) ? argv[i + 1] : Number(argv[i + 1]);
  }
  if (!args.paths) throw new Error("--paths is required");
  return args;
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function summary(results) {
  const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
  return {
    requests: results.length,
    errors: results.filter((r) => !r.ok).length,
    median: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    max: latencies.length ? latencies[latencies.length - 1] : NaN,
  };
}

async function main() {
  const args = parse(process.argv);
  const lines = fs
    .readFileSync(args.paths, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => l.split("\t"));
  const agent = new http.Agent({ keepAlive: true, maxSockets: args.connections });
  const total = Math.round(args.rate * args.seconds);
  const results = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now() + 100;
  let sent = 0;
  let done = 0;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));

  function send(i) {
    const [kind, path] = lines[i % lines.length];
    const scheduled = start + (i * 1000) / args.rate;
    const record = (ok) => {
      results.push({ kind, ok, ms: performance.now() - scheduled });
      if (++done === total) finish();
    };
    const req = http.get(
      { host: args.host, port: args.port, path, agent, headers: { Connection: "keep-alive" } },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => record(res.statusCode === 200 || res.statusCode === 304));
        res.on("error", () => record(false));
      },
    );
    req.setTimeout(30000, () => req.destroy(new Error("timeout")));
    req.on("error", () => record(false));
  }

  function tick() {
    const now = performance.now();
    while (sent < total && start + (sent * 1000) / args.rate <= now) send(sent++);
    if (sent < total) {
      const next = start + (sent * 1000) / args.rate - performance.now();
      setTimeout(tick, Math.max(0, Math.min(next, 5)));
    }
  }
  setTimeout(tick, 100);
  if (total > 0) await finished;
  const cpu = process.cpuUsage(cpu0);
  const kinds = {};
  for (const kind of new Set(results.map((r) => r.kind))) {
    kinds[kind] = summary(results.filter((r) => r.kind === kind));
  }
  const out = {
    rate: args.rate,
    seconds: args.seconds,
    connections: args.connections,
    ...summary(results),
    kinds,
    client_cpu_s: (cpu.user + cpu.system) / 1e6,
  };
  agent.destroy();
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
