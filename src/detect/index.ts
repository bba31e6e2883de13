/**
 * Secret detection entry points used by the rest of the pipeline.
 *
 * `detectSecret(key, value)` says whether an environment value is a credential. This first version uses
 * name semantics and well-known token prefixes; the rule engine (keyword prefilter → regex → entropy →
 * allowlists) replaces its body without changing the signature.
 */
export interface SecretHit {
  ruleIds: string[];
  /** A prefix that is safe to show (`ghp_`), for partial masks. */
  safePrefix?: string;
}

const SECRET_NAME =
  /(PASSW(OR)?D|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH|_KEY$|^KEY$|_PWD$|DSN$|SESSION)/i;
const NOT_SECRET_NAME =
  /(_(MIN|MAX)_?LENGTH|_TTL|_TIMEOUT|_EXPIRY|_EXPIRES?|_NAME|_FILE|_PATH|_DIR|_URL_?PATH|_ID|_HEADER|_TYPE|_ENABLED|_REGION|_SOCK|_SOCKET)$/i;
const PREFIXES: Array<[RegExp, string, string]> = [
  [/^(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}$/, "github-token", "ghp_"],
  [/^github_pat_[A-Za-z0-9_]{60,}$/, "github-fine-grained-pat", "github_pat_"],
  [/^glpat-[A-Za-z0-9_-]{20,}$/, "gitlab-pat", "glpat-"],
  [/^(AKIA|ASIA)[A-Z0-9]{16}$/, "aws-access-key-id", "AKIA"],
  [/^xox[baprs]-[A-Za-z0-9-]{10,}$/, "slack-token", "xox"],
  [/^sk_live_[A-Za-z0-9]{16,}$/, "stripe-live-key", "sk_live_"],
  [/^npm_[A-Za-z0-9]{36}$/, "npm-token", "npm_"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "private-key", ""],
  [/^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+$/, "jwt", "eyJ"],
  [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/, "url-userinfo-password", ""],
];

function looksLikeSecretValue(value: string): boolean {
  if (value.length < 6) return false;
  if (/^\d+(\.\d+)?[smhd]?$/.test(value)) return false; // numbers, durations
  if (/^(true|false|yes|no|on|off|none|null)$/i.test(value)) return false;
  if (/^\$\{?[A-Za-z_]/.test(value) || /^(vault|secret|ref|file):/i.test(value)) return false;
  if (value.startsWith("/") && !value.includes(" ")) return false; // a path to a secret file
  return true;
}

export function detectSecret(key: string, value: string): SecretHit | null {
  for (const [re, id, prefix] of PREFIXES) {
    if (re.test(value)) return prefix ? { ruleIds: [id], safePrefix: prefix } : { ruleIds: [id] };
  }
  if (SECRET_NAME.test(key) && !NOT_SECRET_NAME.test(key) && looksLikeSecretValue(value)) {
    return { ruleIds: ["name-semantics"] };
  }
  return null;
}
