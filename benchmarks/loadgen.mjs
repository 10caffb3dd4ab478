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
// answers with a status other than 200 or 304 is an error (its status is
// counted, 0 for no answer). A request that finds its kept-alive connection closed
// before any answer is sent again once on a new one, as browsers do.
//
// Prints one JSON object: overall and per-kind requests, errors, median, p95,
// p99 and max latency in milliseconds, and the CPU time this process used.

import fs from "node:fs";
import net from "node:net";

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
  const statuses = {};
  for (const r of results) if (!r.ok) statuses[r.status] = (statuses[r.status] || 0) + 1;
  return {
    requests: results.length,
    errors: results.filter((r) => !r.ok).length,
    error_statuses: statuses,
    median: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    max: latencies.length ? latencies[latencies.length - 1] : NaN,
  };
}

// One keep-alive HTTP/1.1 connection, with a minimal response parser (Content-Length or
// chunked bodies): Node's http module costs several times more CPU per request.
class Connection {
  constructor(host, port, onFree) {
    this.host = host;
    this.port = port;
    this.onFree = onFree;
    this.current = null;
    this.socket = null;
  }

  open() {
    this.buffer = Buffer.alloc(0);
    this.state = "head";
    this.socket = net.createConnection({ host: this.host, port: this.port });
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk) => this.data(chunk));
    this.socket.on("error", () => this.fail());
    this.socket.on("close", () => this.fail());
  }

  send(request) {
    this.reused = this.socket !== null;
    if (this.socket === null) this.open();
    this.current = request;
    this.received = false;
    this.timer = setTimeout(() => this.fail(true), 30000);
    this.socket.write(`GET ${request.path} HTTP/1.1\r\nHost: ${this.host}\r\n\r\n`);
  }

  fail(timeout = false) {
    if (this.socket !== null) {
      this.socket.removeAllListeners();
      this.socket.on("error", () => {});
      this.socket.destroy();
      this.socket = null;
    }
    if (this.current === null) return;
    if (!timeout && this.reused && !this.received && !this.current.retried) {
      // the server closed an idle keep-alive connection as the request went out: a
      // browser sends it again on a new connection, and so do we (once)
      clearTimeout(this.timer);
      this.current.retried = true;
      this.send(this.current);
      return;
    }
    this.finish(0);
  }

  finish(status) {
    clearTimeout(this.timer);
    const request = this.current;
    this.current = null;
    request.done(status);
    this.onFree(this);
  }

  data(chunk) {
    this.received = true;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.state === "head") {
        const end = this.buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = this.buffer.toString("latin1", 0, end).toLowerCase();
        this.buffer = this.buffer.subarray(end + 4);
        this.status = Number(head.slice(9, 12));
        this.close = /\r\nconnection: *close/.test(head);
        const length = /\r\ncontent-length: *(\d+)/.exec(head);
        if (/\r\ntransfer-encoding: *chunked/.test(head)) this.state = "chunk";
        else {
          this.remaining = length ? Number(length[1]) : 0;
          this.state = "body";
        }
      } else if (this.state === "body") {
        if (this.buffer.length < this.remaining) return;
        this.buffer = this.buffer.subarray(this.remaining);
        return this.complete();
      } else if (this.state === "chunk") {
        const end = this.buffer.indexOf("\r\n");
        if (end < 0) return;
        const size = parseInt(this.buffer.toString("latin1", 0, end), 16);
        if (this.buffer.length < end + 2 + size + 2) return;
        this.buffer = this.buffer.subarray(end + 2 + size + 2);
        if (size === 0) return this.complete();
      }
    }
  }

  complete() {
    this.state = "head";
    if (this.close) {
      this.socket.removeAllListeners();
      this.socket.on("error", () => {});
      this.socket.destroy();
      this.socket = null;
    }
    if (this.current !== null) this.finish(this.status);
  }
}

async function main() {
  const args = parse(process.argv);
  const lines = fs
    .readFileSync(args.paths, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => l.split("\t"));
  const total = Math.round(args.rate * args.seconds);
  const results = [];
  const waiting = [];
  const free = [];
  const onFree = (connection) => {
    if (waiting.length) connection.send(waiting.shift());
    else free.push(connection);
  };
  for (let c = 0; c < args.connections; c++) {
    free.push(new Connection(args.host, args.port, onFree));
  }
  const cpu0 = process.cpuUsage();
  const start = performance.now() + 100;
  let sent = 0;
  let done = 0;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));

  function send(i) {
    const [kind, path] = lines[i % lines.length];
    const scheduled = start + (i * 1000) / args.rate;
    const request = {
      path,
      done: (status) => {
        const ok = status === 200 || status === 304;
        results.push({ kind, ok, status, ms: performance.now() - scheduled });
        if (++done === total) finish();
      },
    };
    if (free.length) free.pop().send(request);
    else waiting.push(request);
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
  for (const connection of free) if (connection.socket) connection.socket.destroy();
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
