/**
 * Secret rule registry: one provider per file, listed explicitly (no globbing, no side-effect
 * registration). Order is priority when two rules flag the same span: specific formats (alphabetical)
 * first, then the broad fallbacks — passwords in URLs, then name semantics.
 */
import type { SecretProvider, SecretRule } from "../rule.js";
import { ai } from "./ai.js";
import { atlassian } from "./atlassian.js";
import { aws } from "./aws.js";
import { azure } from "./azure.js";
import { ci } from "./ci.js";
import { cloud } from "./cloud.js";
import { devtools } from "./devtools.js";
import { discord } from "./discord.js";
import { docker } from "./docker.js";
import { gcp } from "./gcp.js";
import { generic } from "./generic.js";
import { github } from "./github.js";
import { gitlab } from "./gitlab.js";
import { go } from "./go.js";
import { hashicorp } from "./hashicorp.js";
import { httpAuth } from "./http-auth.js";
import { jwt } from "./jwt.js";
import { mail } from "./mail.js";
import { microsoftTeams } from "./microsoft-teams.js";
import { netrc } from "./netrc.js";
import { npm } from "./npm.js";
import { payments } from "./payments.js";
import { privateKey } from "./private-key.js";
import { pypi } from "./pypi.js";
import { saas } from "./saas.js";
import { slack } from "./slack.js";
import { stripe } from "./stripe.js";
import { telegram } from "./telegram.js";
import { url } from "./url.js";

export const providers: readonly SecretProvider[] = [
  ai,
  atlassian,
  aws,
  azure,
  ci,
  cloud,
  devtools,
  discord,
  docker,
  gcp,
  github,
  gitlab,
  go,
  hashicorp,
  httpAuth,
  jwt,
  mail,
  microsoftTeams,
  netrc,
  npm,
  payments,
  privateKey,
  pypi,
  saas,
  slack,
  stripe,
  telegram,
  // Fallbacks: broad patterns that name a finding only when no specific rule did.
  url,
  generic,
];

/** Every built-in rule, in priority order. */
export const builtinRules: readonly SecretRule[] = providers.flatMap((p) => p.rules);
