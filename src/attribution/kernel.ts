/**
 * The kernel hands init its environment: `HOME=/` and `TERM=linux` (init/main.c `envp_init`) plus every
 * `KEY=VALUE` word of the kernel command line it does not recognise itself (dotted `module.param=` words
 * and everything after `--` excepted). A value found in /proc/cmdline is certain; the defaults are certain
 * outside containers; anything else in init's environment is "present in init's environment" (likely:
 * an initramfs or a container runtime may have put it there).
 */
import { answer, loc } from "./lib/common.js";
import { defineResolver, type ResolverAnswer } from "./resolver.js";

export const PROC_CMDLINE = "/proc/cmdline";

/** Splits the kernel command line the way the kernel's `next_arg` does (double quotes group words). */
export function splitKernelCmdline(text: string): {
  params: Array<{ key: string; value?: string }>;
  initArgs: string[];
} {
  const params: Array<{ key: string; value?: string }> = [];
  const initArgs: string[] = [];
  let afterDashes = false;
  let i = 0;
  const s = text.replace(/\0/g, " ");
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    let word = "";
    let inQ = false;
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (c === '"') {
        inQ = !inQ;
        continue;
      }
      if (!inQ && /\s/.test(c)) break;
      word += c;
    }
    if (afterDashes) {
      initArgs.push(word);
      continue;
    }
    if (word === "--") {
      afterDashes = true;
      continue;
    }
    const eq = word.indexOf("=");
    params.push(eq >= 0 ? { key: word.slice(0, eq), value: word.slice(eq + 1) } : { key: word });
  }
  return { params, initArgs };
}

export default defineResolver({
  meta: {
    id: "kernel",
    kind: "kernel",
    description:
      "init's environment: KEY=VALUE words of /proc/cmdline the kernel passes to init, and the kernel's HOME=/ and TERM=linux defaults.",
  },
  matches(req) {
    return !req.actor && (req.receiver.info.pid === 1 || req.receiver.info.ppid === 0);
  },
  async resolve(req, ctx) {
    const out = new Map<string, ResolverAnswer>();
    let cmdline = "";
    try {
      cmdline = (await ctx.fs.readFile(PROC_CMDLINE)).toString("utf8");
    } catch {
      // No /proc/cmdline (a fixture or a restricted procfs): only the defaults can be recognised.
    }
    const { params } = splitKernelCmdline(cmdline);
    const inContainer = req.receiver.env?.has("container") ?? false;
    for (const [key, got] of req.keys) {
      // The kernel keeps dotted (module) parameters to itself; the last occurrence is what init sees.
      const p = [...params]
        .reverse()
        .find((x) => x.key === key && x.value !== undefined && !key.includes("."));
      if (p && p.value === got.value) {
        out.set(
          key,
          answer(
            "kernel",
            "cmdline",
            "certain",
            [`the kernel passed the unrecognised boot parameter ${key}= to init`],
            loc(PROC_CMDLINE),
          ),
        );
        continue;
      }
      if ((key === "HOME" && got.value === "/") || (key === "TERM" && got.value === "linux")) {
        out.set(
          key,
          answer("kernel", "default", inContainer ? "likely" : "certain", [
            `the kernel starts init with ${key} set to its built-in default (init/main.c envp_init)`,
          ]),
        );
        continue;
      }
      out.set(
        key,
        answer("kernel", "init-env", "likely", [
          "present in init's exec-time environment and not on the kernel command line: set by an initramfs, a bootloader or a container runtime",
        ]),
      );
    }
    return out;
  },
});
