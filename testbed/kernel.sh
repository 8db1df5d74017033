#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build the guest kernel for one architecture from build/src.
# Usage: kernel.sh ARCH [series|base|modular|noiommufd]
#
# The config is allnoconfig plus our fragments and the iommu selftests'
# config, merged with the kernel's merge_config.sh; every option a fragment
# asks for must survive, or the build stops. With PARTIAL_CONFIG=1 options
# the tree does not have are dropped instead (make series-check builds every
# patch of the series, and the fragments ask for options of later patches).

. "$(dirname "$0")/lib.sh"

arch=$1
flavour=${2:-series}
src=$BUILD/src
kb=$BUILD/kbuild/$flavour-$arch
mkdir -p "$kb" "$BUILD/logs"

# shellcheck disable=SC2046
export $(kcross "$arch")
cc=gcc
[ "$arch" = arm64 ] && cc=aarch64-linux-gnu-gcc
export KBUILD_BUILD_TIMESTAMP="2000-01-01" KBUILD_BUILD_USER=testbed KBUILD_BUILD_HOST=testbed
export CCACHE_BASEDIR=$src CCACHE_NOHASHDIR=1

frags=("$CONFIG_DIR/common.config" "$CONFIG_DIR/$arch.config"
       "$src/tools/testing/selftests/iommu/config")
if [ "$flavour" != base ]; then
	for f in series.config "series-$arch.config"; do
		[ -f "$CONFIG_DIR/$f" ] && frags+=("$CONFIG_DIR/$f")
	done
fi
# modular and noiommufd: the series with IOMMUFD as a module and without
# it, built but not booted
case $flavour in modular | noiommufd) frags+=("$CONFIG_DIR/$flavour.config") ;; esac

step "$arch ($flavour): configuring (allnoconfig + ${#frags[@]} fragments)"
cat "${frags[@]}" >"$kb/fragments.config"
# Configure in a side directory and only replace .config when it changed,
# so an unchanged config does not look new to make.
mkdir -p "$kb.cfg"
(cd "$src" && scripts/kconfig/merge_config.sh -n -O "$kb.cfg" "${frags[@]}") \
	>"$BUILD/logs/config-$flavour-$arch.log" 2>&1 ||
	die "merge_config failed, see build/logs/config-$flavour-$arch.log"
make -s -C "$src" O="$kb.cfg" CC="$cc" olddefconfig >>"$BUILD/logs/config-$flavour-$arch.log" 2>&1

# Every option the fragments ask for (the last word on each wins) must be
# in the final config.
declare -A want=()
while read -r line; do
	case $line in
	CONFIG_*=*) want[${line%%=*}]=$line ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		want[${sym%% *}]=$line
		;;
	esac
done < <(cat "${frags[@]}")
lost=()
for sym in "${!want[@]}"; do
	line=${want[$sym]}
	case $line in
	CONFIG_*) grep -qxF "$line" "$kb.cfg/.config" || lost+=("$line") ;;
	*) grep -q "^$sym=" "$kb.cfg/.config" && lost+=("$line") ;;
	esac
done
[ ${#lost[@]} -eq 0 ] || [ "${PARTIAL_CONFIG:-}" = 1 ] ||
	die "$arch: options lost in olddefconfig (missing dependencies?): ${lost[*]}"

cmp -s "$kb.cfg/.config" "$kb/.config" || cp "$kb.cfg/.config" "$kb/.config"

step "$arch ($flavour): building $(kimage "$arch") and headers (log: build/logs/kernel-$flavour-$arch.log)"
targets=("$(basename "$(kimage "$arch")")" headers_install)
[ "$flavour" = modular ] && targets+=(modules)
run_logged "$BUILD/logs/kernel-$flavour-$arch.log" \
	make -C "$src" O="$kb" CC="ccache $cc" -j"$(nproc)" "${targets[@]}"
step "$arch ($flavour): kernel ready: $kb/$(kimage "$arch")"
