# Sourced by the .ci/install-*.sh scripts: how to become root, and how to
# install the Debian packages that are missing. Debian/Ubuntu only.

# as_root is the command prefix that runs a command as root: nothing for
# root, sudo otherwise. need_root TAG WHAT fails when neither is possible.
need_root() {
	if [ "$(id -u)" -eq 0 ]; then
		as_root=()
	elif command -v sudo >/dev/null 2>&1; then
		as_root=(sudo)
	else
		echo "$1: needs root (or sudo) to install $2" >&2
		exit 1
	fi
}

# apt_install TAG PACKAGE... installs the packages that are not installed
# yet, waiting up to 10 minutes for another apt to let go of its lock.
apt_install() {
	local tag=$1 p
	shift
	local missing=()
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
			missing+=("$p")
		fi
	done
	[ "${#missing[@]}" -gt 0 ] || return 0
	echo "$tag: installing ${missing[*]}"
	"${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
}
