import { defineProvider } from "../rule.js";
import { B64URL, fake, LOWNUM, prefixed } from "./lib.js";

/**
 * Docker.
 * Docker Hub personal access tokens "dckr_pat_" and organisation access tokens "dckr_oat_" —
 * https://docs.docker.com/security/for-developers/access-tokens/
 * ~/.docker/config.json `"auth": base64(user:password)` —
 * https://docs.docker.com/reference/cli/docker/login/#credential-stores
 * Swarm join tokens "SWMTKN-1-" — https://docs.docker.com/reference/cli/docker/swarm/join-token/
 */
const b64 = (s: string): string => Buffer.from(s).toString("base64");

export const docker = defineProvider({
  meta: { id: "docker", description: "Docker Hub tokens, registry auth and Swarm join tokens" },
  rules: [
    prefixed({
      id: "dockerhub-pat",
      description: "Docker Hub personal access token",
      prefix: "dckr_pat_",
      body: "[A-Za-z0-9_-]{27,100}",
      example: fake("dckr_pat_", [B64URL, 27]),
      tags: ["registry", "docker"],
      docs: "https://docs.docker.com/security/for-developers/access-tokens/",
    }),
    prefixed({
      id: "dockerhub-oat",
      description: "Docker Hub organisation access token",
      prefix: "dckr_oat_",
      body: "[A-Za-z0-9_-]{27,100}",
      example: fake("dckr_oat_", [B64URL, 32]),
      tags: ["registry", "docker"],
      docs: "https://docs.docker.com/security/for-admins/access-tokens/",
    }),
    {
      id: "docker-config-auth",
      description: "Registry credentials in a Docker config.json (base64 of user:password)",
      keywords: ['"auth"'],
      regex: /"auth"[ \t]{0,3}:[ \t]{0,3}"([A-Za-z0-9+/]{8,4096}={0,2})"/,
      tags: ["registry", "docker"],
      severity: "critical",
      // Only base64 that decodes to `user:secret` is a credential.
      isFalsePositive: (s) => !/^[^:\s]{1,256}:.{3,}$/s.test(Buffer.from(s, "base64").toString("latin1")),
      docs: "https://docs.docker.com/reference/cli/docker/login/",
      examples: {
        match: [`{"auths": {"registry.example.com": {"auth": "${b64(`deploy:${fake([B64URL, 24])}`)}"}}}`],
        // Base64 that does not decode to user:secret is left to other rules.
        noMatch: ['{"auths": {}}', '{"auth": ""}'],
      },
    },
    prefixed({
      id: "docker-swarm-join-token",
      description: "Docker Swarm join token",
      prefix: "SWMTKN-1-",
      body: "[a-z0-9]{50}-[a-z0-9]{25}",
      example: fake("SWMTKN-1-", [LOWNUM, 50], "-", [LOWNUM, 25]),
      tags: ["container", "docker"],
      docs: "https://docs.docker.com/reference/cli/docker/swarm/join-token/",
    }),
  ],
});
