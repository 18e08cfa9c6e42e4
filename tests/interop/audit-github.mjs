// `hookctl audit github` against a receiver built on GitHub's @octokit/webhooks-methods: it must pass every probe
// the library decides (forgeries, missing signature, tampering, raw body), and, deduping by X-GitHub-Delivery and
// answering 2xx to events it does not handle, every other one too.
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { verify } from "@octokit/webhooks-methods";

const secret = "gh-audit-secret-0123456789";
const seen = new Set();
const server = createServer((req, res) => {
  const answer = (status) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ ok: status === 200 }));
  };
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    if (req.method !== "POST") return answer(405);
    const body = Buffer.concat(chunks).toString("utf8");
    const signature = req.headers["x-hub-signature-256"];
    let valid = false;
    try {
      valid = typeof signature === "string" && (await verify(secret, body, signature));
    } catch {
      valid = false;
    }
    if (!valid) return answer(401);
    try {
      JSON.parse(body);
    } catch {
      return answer(400);
    }
    const delivery = req.headers["x-github-delivery"];
    if (!seen.has(delivery)) seen.add(delivery);
    answer(200);
  });
});
server.listen(0, "127.0.0.1", () => {
  const port = String(server.address().port);
  const env = { PATH: process.env.PATH, HOME: tmpdir(), GITHUB_WEBHOOK_SECRET: secret };
  execFile(process.env.HOOKCTL, ["audit", "github", "--to", port, "--json"], { env }, (error, stdout) => {
    server.close();
    const probes = stdout.trim().split("\n").map((line) => JSON.parse(line)).filter((p) => p.kind === "probe");
    const failed = probes.filter((p) => p.verdict === "fail");
    for (const p of failed) console.error(`  FAIL github: probe ${p.number} ${p.title}: ${p.detail}`);
    const code = error ? error.code : 0;
    if (code !== (failed.length ? 4 : 0)) console.error(`  FAIL github: exit code ${code}`);
    const by = (v) => probes.filter((p) => p.verdict === v).map((p) => p.number);
    console.log(`  github: passed [${by("pass")}]; skipped [${by("skip")}]; warned [${by("warn")}]`);
    process.exit(failed.length || code !== 0 ? 1 : 0);
  });
});
