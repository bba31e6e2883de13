/** The rule catalogue: every finding id envtrace can emit, with its help (see catalogue.ts). */
export {
  catalogue,
  findPackageRoot,
  hasRule,
  type RuleFamily,
  type RuleMeta,
  ruleMeta,
  type SecretRuleEntry,
  secretRule,
  worstSeverity,
} from "./catalogue.js";
