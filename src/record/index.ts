/**
 * `envtrace record`: ground truth from watching every exec under strace. The pipeline of this room:
 * {@link record} (run or attach under strace, parse the trace as it comes, build the {@link ExecTree}) →
 * {@link attributeTree} (env diff per exec, joined with the static engine) → {@link recordSubjects}
 * (masked `exec-tree` subjects for the one Report).
 */
export { attributeTree, NOISY_KEYS, RECORD_STATIC_MISMATCH } from "./attribute.js";
export { type ExecEvent, parseLine, type TraceEvent, TraceParser } from "./parse.js";
export { keysOnlyArgv, maskArgv, recordSubjects } from "./report.js";
export { RecordError, type RecordOptions, type RecordRun, record } from "./runner.js";
export { ExecTree, type Image, type Proc } from "./tree.js";
