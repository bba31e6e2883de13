/**
 * The Go check registry: every check, listed explicitly and sorted by id. `registry.test.ts` keeps ids
 * unique and docs/go/<id>.md present.
 */
import { cgoFlags } from "./cgo-flags.js";
import { cnMirrorProxy } from "./cn-mirror-proxy.js";
import { cnMirrorSumdb } from "./cn-mirror-sumdb.js";
import { dirPermissions } from "./dir-permissions.js";
import { goauthCommand } from "./goauth-command.js";
import { godebugWeakening } from "./godebug-weakening.js";
import { goenvFileExposed } from "./goenv-file-exposed.js";
import { goflagsInsecure } from "./goflags-insecure.js";
import { goflagsModMod } from "./goflags-mod-mod.js";
import { goflagsRisky } from "./goflags-risky.js";
import { goflagsToolexec } from "./goflags-toolexec.js";
import { goinsecure } from "./goinsecure.js";
import { goproxyCredentials } from "./goproxy-credentials.js";
import { goproxyDirect } from "./goproxy-direct.js";
import { goproxyHttp } from "./goproxy-http.js";
import { goproxyNoFallback } from "./goproxy-no-fallback.js";
import { goproxyOff } from "./goproxy-off.js";
import { gosumdbOff } from "./gosumdb-off.js";
import { gosumdbUnknown } from "./gosumdb-unknown.js";
import { gotoolchainDownload } from "./gotoolchain-download.js";
import { nosumdbPublic } from "./nosumdb-public.js";
import { strictGoenvOff } from "./strict-goenv-off.js";
import { strictGorootPath } from "./strict-goroot-path.js";
import { strictToolchainLocal } from "./strict-toolchain-local.js";
import type { GoCheck } from "./types.js";
import { unknownVariable } from "./unknown-variable.js";
import { unsupportedRelease } from "./unsupported-release.js";

export const goChecks: readonly GoCheck[] = [
  gosumdbOff, // ENVT-GO-001
  gosumdbUnknown, // 002
  nosumdbPublic, // 003
  goinsecure, // 004
  goproxyHttp, // 005
  goproxyOff, // 006
  goproxyDirect, // 007
  goproxyCredentials, // 008
  goproxyNoFallback, // 009
  goflagsInsecure, // 010
  goflagsModMod, // 011
  goflagsToolexec, // 012
  goflagsRisky, // 013
  gotoolchainDownload, // 014
  goauthCommand, // 015
  unknownVariable, // 016
  cgoFlags, // 017
  dirPermissions, // 018
  unsupportedRelease, // 019
  goenvFileExposed, // 020
  godebugWeakening, // 021
  strictGoenvOff, // 101 (strict)
  strictGorootPath, // 102 (strict)
  strictToolchainLocal, // 103 (strict)
  cnMirrorProxy, // 111 (cn-mirror)
  cnMirrorSumdb, // 112 (cn-mirror)
];

export type { GoCheck, GoCheckContext, GoCheckHit, GoProfile } from "./types.js";
export { defineGoCheck, GO_PROFILES } from "./types.js";
