/** Compose `${VAR}` interpolation, kept apart from the YAML parser so resolvers can use it without loading `yaml`. */

export function interpolate(value: string, lookup: (name: string) => string | undefined): string | undefined {
  let unknown = false;
  const out = value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (
      m,
      braced: string | undefined,
      colon: string | undefined,
      op: string | undefined,
      arg: string | undefined,
      bare: string | undefined,
    ) => {
      if (m === "$$") return "$";
      const name = braced ?? bare!;
      const v = lookup(name);
      const unset = colon ? v === undefined || v === "" : v === undefined;
      if (op === "-") return unset ? (arg ?? "") : v!;
      if (op === "+") return unset ? "" : (arg ?? "");
      if (v === undefined) {
        unknown = true;
        return "";
      }
      return v;
    },
  );
  return unknown ? undefined : out;
}

/** True when compose would interpolate something in this value. */
export function hasInterpolation(value: string): boolean {
  return /\$(?!\$)[{A-Za-z_]/.test(value.replace(/\$\$/g, ""));
}
