/**
 * A synthetic GitLab CI job environment, built as GitLab documents its predefined variables
 * (docs.gitlab.com/ci/variables/predefined_variables/), plus the job's own `variables:` and project
 * variables up to `n` in all. Values are realistic shapes, none a real credential; CI_JOB_TOKEN has the
 * `glcbt-` prefix GitLab 16.8+ gives job tokens.
 */
export function gitlabJobEnv(n = 150, dir = "/builds/group/app"): Record<string, string> {
  const env: Record<string, string> = {
    CI: "true",
    GITLAB_CI: "true",
    CI_SERVER: "yes",
    CI_SERVER_NAME: "GitLab",
    CI_SERVER_URL: "https://gitlab.example.com",
    CI_SERVER_HOST: "gitlab.example.com",
    CI_SERVER_VERSION: "17.5.1",
    CI_API_V4_URL: "https://gitlab.example.com/api/v4",
    CI_PROJECT_ID: "4242",
    CI_PROJECT_NAME: "app",
    CI_PROJECT_PATH: "group/app",
    CI_PROJECT_NAMESPACE: "group",
    CI_PROJECT_DIR: dir,
    CI_PROJECT_URL: "https://gitlab.example.com/group/app",
    CI_PIPELINE_ID: "99001",
    CI_PIPELINE_IID: "311",
    CI_PIPELINE_SOURCE: "merge_request_event",
    CI_JOB_ID: "7700123",
    CI_JOB_NAME: "envtrace-precheck",
    CI_JOB_STAGE: "precheck",
    CI_JOB_URL: "https://gitlab.example.com/group/app/-/jobs/7700123",
    CI_JOB_STARTED_AT: "2026-11-24T06:00:00Z",
    CI_COMMIT_SHA: "3f1c9e0a7b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e",
    CI_COMMIT_SHORT_SHA: "3f1c9e0a",
    CI_COMMIT_REF_NAME: "feature/envtrace",
    CI_COMMIT_REF_SLUG: "feature-envtrace",
    CI_COMMIT_BRANCH: "feature/envtrace",
    CI_DEFAULT_BRANCH: "main",
    CI_REGISTRY: "registry.example.com",
    CI_REGISTRY_IMAGE: "registry.example.com/group/app",
    CI_REGISTRY_USER: "gitlab-ci-token",
    CI_RUNNER_ID: "12",
    CI_RUNNER_DESCRIPTION: "shared-runner-1",
    CI_RUNNER_TAGS: '["docker"]',
    CI_CONFIG_PATH: ".gitlab-ci.yml",
    CI_NODE_TOTAL: "1",
    CI_BUILDS_DIR: "/builds",
    GITLAB_USER_LOGIN: "ada",
    GITLAB_USER_NAME: "Ada Lovelace",
    GITLAB_USER_EMAIL: "ada@example.com",
    GITLAB_FEATURES: "",
    FF_USE_FASTZIP: "true",
    // The job's own and the project's variables.
    APP_MODE: "staging",
    LOG_LEVEL: "info",
    NODE_ENV: "production",
  };
  for (let i = 0; Object.keys(env).length < n; i++)
    env[`APP_SETTING_${String(i).padStart(3, "0")}`] = `value-${i}`;
  return env;
}
