#!/usr/bin/env bash
# Installs the real mail servers that internal/mailservers' tests start on
# loopback (Dovecot for IMAP/POP3, Postfix for SMTP submission) and makes sure
# the distribution's own instances are not running: the tests start their
# own, with throwaway configurations and free ports. Also installs the C
# compiler that .ci/build-mailservers.sh needs for maddy's SQLite (cgo); mox
# and maddy themselves come from the Go module proxy, through that script.
#
# Idempotent: installs only what is missing and can be run again at any time.
# Debian/Ubuntu only (apt-get); needs root, or sudo.
set -euo pipefail

packages=(dovecot-imapd dovecot-pop3d postfix gcc libc6-dev)

# shellcheck source=apt.sh
. "$(dirname "$0")/apt.sh"
need_root install-mailservers "${packages[*]}"
# Postfix asks what kind of mail system this is; it is none: the tests bring
# their own main.cf.
if ! dpkg-query -W -f='${Status}\n' postfix 2>/dev/null | grep -q '^install ok installed$'; then
	echo "postfix postfix/main_mailer_type select No configuration" | "${as_root[@]}" debconf-set-selections
fi
apt_install install-mailservers "${packages[@]}"

# Stop (and, with systemd, disable) the system services, if the package
# scripts started them. Errors are ignored: usually they were not running.
for svc in dovecot postfix; do
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		"${as_root[@]}" systemctl stop "$svc" >/dev/null 2>&1 || true
		"${as_root[@]}" systemctl disable "$svc" >/dev/null 2>&1 || true
	elif [ -x "/etc/init.d/$svc" ]; then
		"${as_root[@]}" "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
	fi
done
# A system Dovecot started some other way: stop it with its own config.
if [ -S /run/dovecot/master ] || [ -f /run/dovecot/master.pid ]; then
	"${as_root[@]}" doveadm stop >/dev/null 2>&1 || true
fi

echo "install-mailservers: dovecot $(/usr/sbin/dovecot --version 2>/dev/null || echo '?'), postfix $(/usr/sbin/postconf -d -h mail_version 2>/dev/null || echo '?')"
