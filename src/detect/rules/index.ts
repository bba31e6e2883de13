/**
 * Secret rule registry: one provider per file, listed explicitly (no globbing, no side-effect
 * registration). Order is priority when two rules flag the same span: specific formats (alphabetical)
 * first, then the broad fallbacks — passwords in URLs, command lines, then name semantics.
 */
import type { SecretProvider, SecretRule } from "../rule.js";
import { age } from "./age.js";
import { airtable } from "./airtable.js";
import { alibaba } from "./alibaba.js";
import { anthropic } from "./anthropic.js";
import { atlassian } from "./atlassian.js";
import { aws } from "./aws.js";
import { azure } from "./azure.js";
import { braintree } from "./braintree.js";
import { brevo } from "./brevo.js";
import { buildkite } from "./buildkite.js";
import { circleci } from "./circleci.js";
import { cli } from "./cli.js";
import { clojars } from "./clojars.js";
import { cloudflare } from "./cloudflare.js";
import { cohere } from "./cohere.js";
import { databricks } from "./databricks.js";
import { datadog } from "./datadog.js";
import { digitalocean } from "./digitalocean.js";
import { discord } from "./discord.js";
import { docker } from "./docker.js";
import { doppler } from "./doppler.js";
import { dropbox } from "./dropbox.js";
import { duffel } from "./duffel.js";
import { dynatrace } from "./dynatrace.js";
import { easypost } from "./easypost.js";
import { facebook } from "./facebook.js";
import { figma } from "./figma.js";
import { flutterwave } from "./flutterwave.js";
import { flyio } from "./flyio.js";
import { frameio } from "./frameio.js";
import { gcp } from "./gcp.js";
import { generic } from "./generic.js";
import { github } from "./github.js";
import { gitlab } from "./gitlab.js";
import { go } from "./go.js";
import { grafana } from "./grafana.js";
import { groq } from "./groq.js";
import { harness } from "./harness.js";
import { hashicorp } from "./hashicorp.js";
import { heroku } from "./heroku.js";
import { httpAuth } from "./http-auth.js";
import { hubspot } from "./hubspot.js";
import { huggingface } from "./huggingface.js";
import { infracost } from "./infracost.js";
import { jfrog } from "./jfrog.js";
import { jwt } from "./jwt.js";
import { langsmith } from "./langsmith.js";
import { linear } from "./linear.js";
import { mailchimp } from "./mailchimp.js";
import { mailgun } from "./mailgun.js";
import { mapbox } from "./mapbox.js";
import { microsoftTeams } from "./microsoft-teams.js";
import { mistral } from "./mistral.js";
import { netrc } from "./netrc.js";
import { newrelic } from "./newrelic.js";
import { notion } from "./notion.js";
import { npm } from "./npm.js";
import { nuget } from "./nuget.js";
import { okta } from "./okta.js";
import { onepassword } from "./onepassword.js";
import { openai } from "./openai.js";
import { perplexity } from "./perplexity.js";
import { planetscale } from "./planetscale.js";
import { postman } from "./postman.js";
import { postmark } from "./postmark.js";
import { prefect } from "./prefect.js";
import { privateKey } from "./private-key.js";
import { pulumi } from "./pulumi.js";
import { pypi } from "./pypi.js";
import { razorpay } from "./razorpay.js";
import { readme } from "./readme.js";
import { render } from "./render.js";
import { replicate } from "./replicate.js";
import { rubygems } from "./rubygems.js";
import { scalingo } from "./scalingo.js";
import { sendgrid } from "./sendgrid.js";
import { sentry } from "./sentry.js";
import { shippo } from "./shippo.js";
import { shopify } from "./shopify.js";
import { slack } from "./slack.js";
import { snyk } from "./snyk.js";
import { sonarqube } from "./sonarqube.js";
import { sourcegraph } from "./sourcegraph.js";
import { square } from "./square.js";
import { stripe } from "./stripe.js";
import { supabase } from "./supabase.js";
import { tailscale } from "./tailscale.js";
import { telegram } from "./telegram.js";
import { twilio } from "./twilio.js";
import { twitter } from "./twitter.js";
import { typeform } from "./typeform.js";
import { url } from "./url.js";
import { vercel } from "./vercel.js";
import { xai } from "./xai.js";

export const providers: readonly SecretProvider[] = [
  age,
  airtable,
  alibaba,
  anthropic,
  atlassian,
  aws,
  azure,
  braintree,
  brevo,
  buildkite,
  circleci,
  clojars,
  cloudflare,
  cohere,
  databricks,
  datadog,
  digitalocean,
  discord,
  docker,
  doppler,
  dropbox,
  duffel,
  dynatrace,
  easypost,
  facebook,
  figma,
  flutterwave,
  flyio,
  frameio,
  gcp,
  github,
  gitlab,
  go,
  grafana,
  groq,
  harness,
  hashicorp,
  heroku,
  httpAuth,
  hubspot,
  huggingface,
  infracost,
  jfrog,
  jwt,
  langsmith,
  linear,
  mailchimp,
  mailgun,
  mapbox,
  microsoftTeams,
  mistral,
  netrc,
  newrelic,
  notion,
  npm,
  nuget,
  okta,
  onepassword,
  openai,
  perplexity,
  planetscale,
  postman,
  postmark,
  prefect,
  privateKey,
  pulumi,
  pypi,
  razorpay,
  readme,
  render,
  replicate,
  rubygems,
  scalingo,
  sendgrid,
  sentry,
  shippo,
  shopify,
  slack,
  snyk,
  sonarqube,
  sourcegraph,
  square,
  stripe,
  supabase,
  tailscale,
  telegram,
  twilio,
  twitter,
  typeform,
  vercel,
  xai,
  // Fallbacks: broad patterns that name a finding only when no specific rule did.
  url,
  cli,
  generic,
];

/** Every built-in rule, in priority order. */
export const builtinRules: readonly SecretRule[] = providers.flatMap((p) => p.rules);
