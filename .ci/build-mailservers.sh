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

# maddy's own go.mod replaces three modules with forks; a module that
# depends on maddy must repeat those replace lines, so they are copied from
# the go.mod that the module proxy serves for this version. maddy keeps its
# accounts and mailboxes in SQLite through github.com/mattn/go-sqlite3, so
# it is built with cgo (gcc, from .ci/install-mailservers.sh); without cgo
# it would fall back to an experimental driver that its credentials table
# does not use.
build_maddy() {
	local replaces=()
	if ! cached maddy "$MADDY_VERSION"; then
		local gomod
		gomod=$(cd "$scratch" && go mod download -json "github.com/foxcpp/maddy@$MADDY_VERSION" |
			sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
		mapfile -t replaces < <(grep '^replace ' "$gomod")
		if [ "${#replaces[@]}" -ne 3 ]; then
			log "expected three replace lines in $gomod, found ${#replaces[@]}"
			exit 1
		fi
	fi
	CGO_ENABLED=1 build maddy github.com/foxcpp/maddy/cmd/maddy "$MADDY_VERSION" "${replaces[@]}"
}

# Both at once: one downloads while the other compiles.
CGO_ENABLED=0 build mox github.com/mjl-/mox "$MOX_VERSION" &
mox_pid=$!
build_maddy &
maddy_pid=$!
failed=0
wait "$mox_pid" || failed=1
wait "$maddy_pid" || failed=1
if [ "$failed" -ne 0 ]; then
	log "failed"
	exit 1
fi

printf 'export MAILSETTINGS_MOX=%q\n' "$cache/mox-$MOX_VERSION/mox"
printf 'export MAILSETTINGS_MADDY=%q\n' "$cache/maddy-$MADDY_VERSION/maddy"
