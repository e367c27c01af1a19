# Helpers shared by the project's scripts (sourced, not run): finding a JDK, reaching a port, installing a
# Debian package. A script that sources this sets `script_name` first; messages and failures carry it.

say() { printf '%s\n' "$*"; }
fail() { printf '%s: %s\n' "${script_name:-script}" "$*" >&2; exit 1; }

# A TCP connect, bounded: true when something listens on host:port.
reachable() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    fail "'$*' needs root, and there is no sudo; run it as root once, then this script again."
  fi
}

# Debian's packages, installed non-interactively; `apt-get update` once per script run.
apt_updated=no
install_packages() {
  command -v apt-get >/dev/null \
    || fail "'$*' is missing and this is not a Debian or Ubuntu machine (no apt-get); install it, then run again."
  say "Installing Debian packages: $* ..."
  if [ $apt_updated = no ]; then
    as_root apt-get update -qq >/dev/null
    apt_updated=yes
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The first JDK 21 or newer: JAVA_HOME, then the usual install folders, then the java on the PATH.
find_java() {
  local candidates=() dir java major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  for dir in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -x "$dir/bin/java" ] && candidates+=("$dir/bin/java")
  done
  command -v java >/dev/null && candidates+=("$(command -v java)")
  for java in "${candidates[@]}"; do
    major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$java"
      return
    fi
  done
  fail "no JDK 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm, ~/.sdkman, ~/.jdks and the PATH)."
}
