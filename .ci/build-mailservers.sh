#!/usr/bin/env bash
# Builds mox and maddy, two mail servers written in Go that the tests of
# internal/mailservers start on loopback, from the Go module proxy. Each
# binary is kept in a cache directory named by its version and built only
# when it is missing there, so a machine builds each version once.
#
# Standard output is only the lines that tell the tests where the binaries
# are; progress goes to standard error. Use it as:
#
#	mailservers_env=$(bash .ci/build-mailservers.sh)
#	eval "$mailservers_env"
#
# (an assignment, so that a failed build stops a `set -e` script; a bare
# eval "$(...)" would hide it). Without the exports the tests look in the
# same default cache directory themselves.
#
# The versions must equal the constants in internal/mailservers/gobinaries.go
# (a test there checks it). `@latest` is not used: the module proxy refuses
# it here, and pinned versions keep the tests reproducible.
set -euo pipefail

MOX_VERSION=v0.0.15
MADDY_VERSION=v0.8.1

# The same directory as internal/mailservers' default: os.UserCacheDir()
# (XDG_CACHE_HOME, else ~/.cache) + /mailsettings-mailservers.
cache="${XDG_CACHE_HOME:-$HOME/.cache}/mailsettings-mailservers"

log() { echo "build-mailservers: $*" >&2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# build NAME PACKAGE VERSION [GO.MOD LINE...]: builds PACKAGE@VERSION into
# $cache/NAME-VERSION/NAME in a scratch module made with `go get -tool`,
# with the extra go.mod lines (replace directives) given.
# cached NAME VERSION: whether a binary of that version is in the cache.
cached() {
	local out="$cache/$1-$2/$1"
	[ -x "$out" ] && "$out" version 2>/dev/null | head -n 1 | grep -qF -- "$2"
}

build() {
	local name=$1 pkg=$2 version=$3
	shift 3
	local out="$cache/$name-$version/$name"
	if cached "$name" "$version"; then
		log "$name $version: cached at $out"
		return
	fi
	local mod="$scratch/$name" start=$SECONDS
	mkdir -p "$mod" "$(dirname "$out")"
	{
		printf 'module mailsettings.invalid/build/%s\n\ngo 1.26\n' "$name"
		local line
		for line in "$@"; do
			printf '\n%s\n' "$line"
		done
	} >"$mod/go.mod"
	log "$name $version: go get -tool $pkg@$version"
	(cd "$mod" && go get -tool "$pkg@$version") >"$mod.log" 2>&1 || { cat "$mod.log" >&2; exit 1; }
	log "$name $version: go build (after $((SECONDS - start)) s)"
	(cd "$mod" && go build -trimpath -o "$out.tmp.$$" "$pkg") >"$mod.log" 2>&1 || { cat "$mod.log" >&2; exit 1; }
	"$out.tmp.$$" version >/dev/null 2>&1 || { log "$name: the built binary does not run"; exit 1; }
	mv -f "$out.tmp.$$" "$out"
	log "$name $version: built in $((SECONDS - start)) s at $out"
}

build mox github.com/mjl-/mox "$MOX_VERSION"

# maddy's own go.mod replaces three modules with forks; a module that
# depends on maddy must repeat those replace lines, so they are copied from
# the go.mod that the module proxy serves for this version.
maddy_replaces=()
if ! cached maddy "$MADDY_VERSION"; then
	maddy_gomod=$(cd "$scratch" && go mod download -json "github.com/foxcpp/maddy@$MADDY_VERSION" |
		sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
	mapfile -t maddy_replaces < <(grep '^replace ' "$maddy_gomod")
	if [ "${#maddy_replaces[@]}" -ne 3 ]; then
		log "expected three replace lines in $maddy_gomod, found ${#maddy_replaces[@]}"
		exit 1
	fi
fi
build maddy github.com/foxcpp/maddy/cmd/maddy "$MADDY_VERSION" "${maddy_replaces[@]}"

printf 'export MAILSETTINGS_MOX=%q\n' "$cache/mox-$MOX_VERSION/mox"
printf 'export MAILSETTINGS_MADDY=%q\n' "$cache/maddy-$MADDY_VERSION/maddy"
