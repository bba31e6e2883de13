/**
 * The agent's HTTP endpoints: `/healthz` (the scan loop is alive: it finished a scan or is within its
 * deadline), `/readyz` (a first scan has completed), `/metrics` (Prometheus text format). Plain HTTP on the
 * pod network for Prometheus; nothing here carries a variable's value.
 */
import { createServer, type Server } from "node:http";
import type { AgentMetrics } from "./metrics.js";

export interface Health {
  ready(): boolean;
  alive(): boolean;
}

export function startAgentServer(
  host: string,
  port: number,
  metrics: AgentMetrics,
  health: Health,
): Promise<{ server: Server; port: number }> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") {
      const ok = health.alive();
      res
        .writeHead(ok ? 200 : 503, { "content-type": "text/plain" })
        .end(ok ? "ok\n" : "scan loop stalled\n");
    } else if (path === "/readyz") {
      const ok = health.ready();
      res
        .writeHead(ok ? 200 : 503, { "content-type": "text/plain" })
        .end(ok ? "ok\n" : "first scan not done\n");
    } else if (path === "/metrics") {
      const body = await metrics.text();
      res.writeHead(200, { "content-type": metrics.registry.contentType }).end(body);
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  // A slow or stuck client cannot hold the agent's sockets.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === "object" && addr ? addr.port : port });
    });
  });
}
