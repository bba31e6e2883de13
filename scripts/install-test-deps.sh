#!/bin/sh
# Installs the real programs the integration tests run, when missing. Idempotent; needs root (or sudo)
# for apt-get. Each test that needs a program it cannot find fails with a message naming this script.
set -eu

need=""
have() { command -v "$1" >/dev/null 2>&1; }
have zsh || need="$need zsh"
have fish || need="$need fish"
have dash || need="$need dash"
[ -x /bin/busybox ] || have busybox || need="$need busybox-static"
have runc || need="$need runc"
have podman || need="$need podman"
have getfattr || need="$need attr"
[ -x /usr/sbin/sshd ] || need="$need openssh-server"
have ssh || need="$need openssh-client"
have sudo || need="$need sudo"
have direnv || need="$need direnv"
have script || need="$need bsdutils"
have unshare || need="$need util-linux"
have go || need="$need golang-go"
have readelf || need="$need binutils"
[ -x /usr/bin/time ] || need="$need time"
have xmllint || need="$need libxml2-utils"
have kubectl || need="$need kubernetes-client"
have rsyslogd || [ -x /usr/sbin/rsyslogd ] || need="$need rsyslog rsyslog-gnutls"
have strace || need="$need strace"
have make || need="$need make"
have cc || need="$need gcc libc6-dev"
have chromium || need="$need chromium"
# Go module go/envtrace: its Gin, Echo and OpenTelemetry adapters build in GOPATH mode against Debian's sources.
[ -d /usr/share/gocode/src/github.com/gin-gonic/gin ] || need="$need golang-github-gin-gonic-gin-dev"
[ -d /usr/share/gocode/src/github.com/labstack/echo ] || need="$need golang-github-labstack-echo-dev"
[ -d /usr/share/gocode/src/go.opentelemetry.io/otel/sdk ] || need="$need golang-opentelemetry-otel-dev"
# Features that test against further real programs (rsyslog, chromium, …) add them here.
for extra in ${ENVTRACE_EXTRA_DEBS:-}; do need="$need $extra"; done

if [ -n "$need" ]; then
  echo "install-test-deps: installing$need" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
