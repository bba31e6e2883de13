/** Command registry: one file per command, listed explicitly. */
import type { CliCommand } from "./command.js";
import { containerCommand } from "./container.js";
import { diffCommand } from "./diff.js";
import { explainCommand } from "./explain.js";
import { goCommand } from "./go.js";
import { hostCommand } from "./host.js";
import { k8sCommand } from "./k8s.js";
import { redactCommand } from "./redact.js";
import { scanCommand } from "./scan.js";
import { shellCommand } from "./shell.js";
import { snapshotCommand } from "./snapshot.js";

export const commands: readonly CliCommand[] = [
  explainCommand,
  scanCommand,
  hostCommand,
  containerCommand,
  shellCommand,
  snapshotCommand,
  diffCommand,
  goCommand,
  k8sCommand,
  redactCommand,
];
