/**
 * A value that a secret rule flagged. Every way of printing it — `String()`, template literals,
 * `JSON.stringify`, `util.inspect`/`console.log` — yields the mask. The raw value is reachable only through
 * {@link SecretValue.reveal}, which reporters call only when the user passed `--reveal`.
 */
import { inspect } from "node:util";

const raw = new WeakMap<SecretValue, string>();

export class SecretValue {
  constructor(
    value: string,
    readonly mask: string,
    /** Rule ids that flagged the value. */
    readonly rules: readonly string[] = [],
    /** Every secret in it is a vendor's documentation example key (masked, no finding). */
    readonly example: boolean = false,
  ) {
    raw.set(this, value);
  }
  /** The raw value. Callers must have the user's explicit consent (`--reveal`). */
  reveal(): string {
    return raw.get(this) ?? "";
  }
  toString(): string {
    return this.mask;
  }
  toJSON(): string {
    return this.mask;
  }
  [inspect.custom](): string {
    return `SecretValue(${this.mask})`;
  }
  [Symbol.toPrimitive](): string {
    return this.mask;
  }
}

export function isSecretValue(v: unknown): v is SecretValue {
  return v instanceof SecretValue;
}
