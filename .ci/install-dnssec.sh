#!/usr/bin/env bash
# Installs what internal/dnssectest's tests need: the validating resolver
# unbound, which the tests start on a free loopback port with a throwaway
# configuration, and ldnsutils (ldns-keygen, ldns-signzone), which signs the
# test zones with keys made at test time. Makes sure the distribution's own
# unbound is not running: it would hold port 53 and is not used.
#
# Idempotent: installs only what is missing and can be run again at any time.
# Debian/Ubuntu only (apt-get); needs root, or sudo.
set -euo pipefail

packages=(unbound ldnsutils)

# shellcheck source=apt.sh
. "$(dirname "$0")/apt.sh"
need_root install-dnssec "${packages[*]}"
apt_install install-dnssec "${packages[@]}"

# Stop (and, with systemd, disable) the system unbound if the package
# scripts started it. Errors are ignored: usually it was not running.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	for unit in unbound unbound-resolvconf; do
		"${as_root[@]}" systemctl stop "$unit" >/dev/null 2>&1 || true
		"${as_root[@]}" systemctl disable "$unit" >/dev/null 2>&1 || true
	done
elif [ -x /etc/init.d/unbound ]; then
	"${as_root[@]}" /etc/init.d/unbound stop >/dev/null 2>&1 || true
fi
# AppArmor: Debian's profile for /usr/sbin/unbound lets it read only
# /etc/unbound, /var/lib/unbound and a few system files, but the tests'
# unbound reads its configuration, trust anchor and log file in a temporary
# directory. The system unbound is not used, so disable the profile (a
# symlink in disable/ keeps it unloaded across reboots) and unload it if
# it is loaded.
profile=/etc/apparmor.d/usr.sbin.unbound
if [ -f "$profile" ]; then
	"${as_root[@]}" mkdir -p /etc/apparmor.d/disable
	"${as_root[@]}" ln -sf "$profile" /etc/apparmor.d/disable/usr.sbin.unbound
	if command -v apparmor_parser >/dev/null 2>&1 && [ -d /sys/kernel/security/apparmor ]; then
		"${as_root[@]}" apparmor_parser -R "$profile" >/dev/null 2>&1 || true
	fi
fi

unbound_bin=$(command -v unbound || echo /usr/sbin/unbound)
echo "install-dnssec: unbound $("$unbound_bin" -V 2>/dev/null | head -n 1 || echo 'unbound ?'), $(ldns-signzone -v 2>/dev/null | head -n 1 || echo 'ldns-signzone ?')"
