/**
 * `explainContainer`: the container pipeline — collect facts (Engine API, OCI bundle) → attribute with the
 * container resolvers → mask. Returns undefined when no engine and no runtime state knows the container.
 */
import { maskResult } from "../../detect/mask.js";
import type { CollectionIssue, DisplayValue, ExplainResult } from "../../model/index.js";
import { collectContainerFacts } from "../../snapshot/container/facts.js";
import { createHostFs } from "../../snapshot/host-fs.js";
import { createResolverContext } from "../engine.js";
import { shortId } from "./common.js";
import { attributeContainer } from "./index.js";

export interface ExplainContainerOptions {
  /** Root of the inspected host (a fixture tree in tests); the Engine API is only asked when it is `/`. */
  root?: string;
  reveal?: boolean;
  /** Where DOCKER_HOST / CONTAINER_HOST are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Per-request timeout for the Engine API. */
  timeoutMs?: number;
}

export async function explainContainer(
  ref: string,
  opts: ExplainContainerOptions = {},
): Promise<ExplainResult<DisplayValue> | undefined> {
  const fs = createHostFs(opts.root ?? "/");
  const issues: CollectionIssue[] = [];
  const collect: Parameters<typeof collectContainerFacts>[1] = { fs, env: opts.env ?? process.env };
  if (opts.timeoutMs !== undefined) collect.timeoutMs = opts.timeoutMs;
  const facts = await collectContainerFacts(ref, collect, issues);
  if (!facts) return undefined;
  const ctx = createResolverContext({ fs, issues });
  const variables = await attributeContainer(facts, ctx);
  const name = facts.name ? `${facts.name} (${shortId(facts.id)})` : shortId(facts.id);
  const result: ExplainResult<string> = {
    subject: { kind: "container", name },
    variables,
    findings: [],
    // The same issue can be reported by the collector and a resolver: keep each once.
    issues: issues.filter(
      (i, n) => issues.findIndex((j) => j.subject === i.subject && j.detail === i.detail) === n,
    ),
  };
  return maskResult(result, { reveal: opts.reveal ?? false });
}
