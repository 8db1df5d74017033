#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the test bed needs, when they are missing.
# Usage: deps.sh [check|run]   (check: the fast tier; run: also the kernels,
# the guests and make bench)

. "$(dirname "$0")/lib.sh"

want=(make gcc git python3 python3-ply python3-git perl coccinelle xz-utils bc
      clang libclang-rt-14-dev)
if [ "${1:-run}" = run ]; then
	want+=(flex bison libelf-dev libssl-dev cpio ccache rsync kmod libcap-dev
	       gcc-aarch64-linux-gnu libc6-dev-arm64-cross busybox-static
	       valgrind gdb)
fi

# The base kernel's source: 6.12 from bookworm itself
[ -z "$BASE_SUITE" ] && want+=("$BASE_PKG")

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

if [ ${#missing[@]} -gt 0 ]; then
	step "installing Debian packages: ${missing[*]}"
	$SUDO apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

# add_suite SUITE: let apt see SUITE. Backports suites are never chosen
# unless a package is asked for by version or with -t.
add_suite() {
	local src=/etc/apt/sources.list.d/$1.sources
	[ -e "$src" ] && return 0
	step "adding the $1 suite ($src)"
	printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' \
		"Suites: $1" 'Components: main' \
		'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
		$SUDO tee "$src" >/dev/null
}

# The 7.3 base from trixie-backports: that one package at the version pinned
# in lib.sh, asked for by version and not with -t, which would also upgrade
# the machine's own packages that the suite carries (linux-libc-dev).
if [ -n "$BASE_SUITE" ] && [ "$(base_version)" != "$BASE_MADE_ON" ]; then
	if [ -n "$(base_version)" ]; then
		step "WARNING: $BASE_PKG $(base_version) is installed, the series was made on $BASE_MADE_ON; keeping it"
	else
		add_suite "$BASE_SUITE"
		step "installing $BASE_PKG $BASE_MADE_ON from $BASE_SUITE"
		$SUDO apt-get update -q >/dev/null
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
			--no-install-recommends "$BASE_PKG=$BASE_MADE_ON" >/dev/null
		[ "$(base_version)" = "$BASE_MADE_ON" ] ||
			die "$BASE_PKG $BASE_MADE_ON from $BASE_SUITE did not install"
	fi
fi

# QEMU from bookworm-backports, at the version pinned in lib.sh; everything
# else stays on bookworm.
qemu_ok() {
	local p
	for p in "${QEMU_PKGS[@]}"; do
		[ "$(dpkg-query -W -f='${Status} ${Version}' "$p" 2>/dev/null)" = \
		  "install ok installed $QEMU_VERSION" ] || return 1
	done
}
if [ "${1:-run}" = run ] && ! qemu_ok; then
	add_suite "$QEMU_SUITE"
	step "installing QEMU $QEMU_VERSION from $QEMU_SUITE"
	$SUDO apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends -t "$QEMU_SUITE" \
		"${QEMU_PKGS[@]/%/=$QEMU_VERSION}" >/dev/null
	qemu_ok || die "QEMU $QEMU_VERSION from $QEMU_SUITE did not install"
fi

# The arm64 guest needs an arm64 static busybox, and its selftests (7.3's
# link libcap) libcap's static library and header: fetch Debian's packages
# without installing them.
fetch_arm64() {
	local pkg=$1 dir=$2
	step "fetching $pkg:arm64 from Debian"
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		$SUDO dpkg --add-architecture arm64
		$SUDO apt-get update -q >/dev/null
	fi
	mkdir -p "$BUILD/deps"
	# (apt warns that root downloads outside its sandbox: expected)
	(cd "$BUILD/deps" && rm -f "${pkg}"_*_arm64.deb &&
		apt-get download -q "$pkg:arm64" >/dev/null 2>&1) ||
		{ $SUDO apt-get update -q >/dev/null &&
		  (cd "$BUILD/deps" && apt-get download -q "$pkg:arm64" >/dev/null); }
	dpkg -x "$BUILD/deps/${pkg}"_*_arm64.deb "$dir"
}
if [ "${1:-run}" = run ]; then
	[ -x "$BUILD/deps/busybox-arm64/bin/busybox" ] ||
		fetch_arm64 busybox-static "$BUILD/deps/busybox-arm64"
	[ -f "$BUILD/deps/libcap-arm64/usr/lib/aarch64-linux-gnu/libcap.a" ] ||
		fetch_arm64 libcap-dev "$BUILD/deps/libcap-arm64"
fi
exit 0
