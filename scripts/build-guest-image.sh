#!/usr/bin/env bash
# Builds the tiny bootable guest image (kernel + busybox initramfs on a SYSLINUX FAT disk) from
# Debian packages alone, so a machine without internet can still boot real guests.
# Usage: build-guest-image.sh [OUTPUT.qcow2]   (default /var/cache/nimbus/tiny-linux.qcow2)
# A stamp beside the image (hash of this script + exact package versions + the image's sha256)
# makes a re-run instant and rebuilds when the script, a package version or the file changes.
set -euo pipefail
LOG_TAG=guest-image
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
require_root

# The banner the guest prints on the serial log and the VNC screen once /init runs; tests and the
# console-output API look for it. Bump it when the guest's behaviour changes in a visible way.
IMAGE_VERSION=1.1
OUT=${1:-$NIMBUS_CACHE/tiny-linux.qcow2}
STAMP=$OUT.stamp
# The 6.1 cloud kernel is the one this recipe was verified with under TCG; the drivers for the
# disk, serial port, screen and keyboard are built in. The ACPI power button is not: the button
# driver (CONFIG_ACPI_BUTTON) and the event device that carries its key press to userspace
# (CONFIG_INPUT_EVDEV) are modules, so the initramfs carries and loads them.
KERNEL_PATTERN='^linux-image-6\.1\.0-[0-9]+-cloud-amd64$'
GUEST_MODULES=(button evdev)
HELPER_PACKAGES=(busybox-static syslinux syslinux-common mtools dosfstools)

# Prints "package=version" for the newest kernel and each helper; fails if one has no candidate.
# One apt-cache call for all of them: each call costs about half a second.
resolve_packages() {
  local kernels
  kernels=$(apt-cache pkgnames linux-image-6.1.0- | grep -E "$KERNEL_PATTERN") || return 1
  # shellcheck disable=SC2086
  apt-cache policy $kernels "${HELPER_PACKAGES[@]}" | awk -v helpers="${HELPER_PACKAGES[*]}" '
    /^[^ ]/ { sub(":$", "", $1); pkg = $1 }
    /Candidate:/ && $2 != "(none)" { ver[pkg] = $2 }
    END {
      for (p in ver) if (p ~ /^linux-image/ && (best == "" || newer(ver[p], ver[best]))) best = p
      if (best == "") exit 1
      print best "=" ver[best]
      n = split(helpers, h, " ")
      for (i = 1; i <= n; i++) { if (!(h[i] in ver)) exit 1; print h[i] "=" ver[h[i]] }
    }
    function newer(a, b) { return system("dpkg --compare-versions \"" a "\" gt \"" b "\"") == 0 }'
}

image_matches_stamp() { [[ -f $OUT ]] && grep -qx "sha256=$(sha256sum <"$OUT" | cut -d' ' -f1)" "$STAMP"; }
script_hash=$(sha256sum <"${BASH_SOURCE[0]}" | cut -c1-16)
# Package versions change only with the apt lists: while this script and the lists are those of the
# last build, skip asking apt-cache (which takes seconds on a busy machine).
lists_hash=$(ls -l --time-style=+%s /var/lib/apt/lists/ 2>/dev/null | sha256sum | cut -c1-16)
if [[ -f $STAMP ]] && grep -qx "script=$script_hash" "$STAMP" && grep -qx "lists=$lists_hash" "$STAMP" &&
  image_matches_stamp; then
  say "$OUT: already built ($(sed -n 's/^recipe=/recipe /p' "$STAMP"), $(du -h "$OUT" | cut -f1))"
  exit 0
fi

if ! packages=$(resolve_packages); then
  say "package lists lack the kernel or helpers: apt-get update"
  apt-get update -qq
  packages=$(resolve_packages) || die "no linux-image-6.1.0-*-cloud-amd64 or helper package in the apt archive"
  lists_hash=$(ls -l --time-style=+%s /var/lib/apt/lists/ | sha256sum | cut -c1-16)
fi
recipe_hash=$( { echo "$script_hash"; echo "$packages"; } | sha256sum | cut -c1-16)
write_stamp() {
  {
    echo "recipe=$recipe_hash"
    echo "script=$script_hash"
    echo "lists=$lists_hash"
    echo "sha256=$(sha256sum <"$OUT" | cut -d' ' -f1)"
    echo "version=$IMAGE_VERSION"
    echo "kernel=$(echo "$packages" | sed -n 's/^linux-image-\([^=]*\)=.*/\1/p')"
    echo "$packages" | sed 's/^/package=/'
  } >"$STAMP.tmp" && mv -f "$STAMP.tmp" "$STAMP"
}

if [[ -f $STAMP ]] && grep -qx "recipe=$recipe_hash" "$STAMP" && image_matches_stamp; then
  write_stamp # same recipe and packages; the apt lists were refreshed
  say "$OUT: already built (recipe $recipe_hash, $(du -h "$OUT" | cut -f1))"
  exit 0
fi

say "building $OUT from $(echo "$packages" | tr '\n' ' ')"
work=$(mktemp -d /tmp/nimbus-guest-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

mapfile -t pkg_specs <<<"$packages"
apt-get download -qq "${pkg_specs[@]}" >download.log 2>&1 || { cat download.log; die "apt-get download failed"; }
mkdir root
for deb in ./*.deb; do dpkg-deb -x "$deb" root; done
export PATH="$work/root/usr/bin:$work/root/usr/sbin:$work/root/sbin:$PATH"
kernel=$(ls root/boot/vmlinuz-*)
kver=${kernel##*/vmlinuz-}

# The initramfs: busybox, /init, and a /dev/console node so init starts with stdio attached.
mkdir -p initramfs/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc/acpi,run,var/log}
cp root/bin/busybox initramfs/bin/busybox
mknod -m 600 initramfs/dev/console c 5 1

# The modules and everything they depend on (nothing in today's kernel), with a modules.dep of just
# those for the guest's modprobe. The .deb has no modules.dep (the package's postinst makes it).
moddir=lib/modules/$kver
root/bin/busybox depmod -b root "$kver"
awk -v want="${GUEST_MODULES[*]}" '
  BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) wanted[w[i] ".ko"] = 1 }
  { key = $1; sub(":$", "", key); base = key; sub(".*/", "", base) }
  base in wanted { print key; for (i = 2; i <= NF; i++) print $i }' "root/$moddir/modules.dep" |
  LC_ALL=C sort -u >modules.list
for m in "${GUEST_MODULES[@]}"; do grep -q "/$m\.ko$" modules.list || die "module $m.ko is not in $kver"; done
while read -r f; do install -D -m 644 "root/$moddir/$f" "initramfs/$moddir/$f"; done <modules.list
awk 'NR == FNR { keep[$1 ":"] = 1; next } $1 in keep' modules.list "root/$moddir/modules.dep" |
  LC_ALL=C sort >"initramfs/$moddir/modules.dep"

# The power button (what `virsh shutdown` presses): busybox acpid turns the key press on the button's
# event device into the action PWRF, and /etc/acpid.conf names the script that runs for it.
echo "PWRF power-button" >initramfs/etc/acpid.conf
cat >initramfs/etc/acpi/power-button <<'EOF'
#!/bin/sh
# The leading newline: the console shell's prompt may be the last thing on the line.
for t in /dev/ttyS0 /dev/tty0; do printf '\nNIMBUS TINY LINUX: power button, shutting down\n' >"$t"; done 2>/dev/null
# -f: no init to ask; straight to the kernel after a sync.
exec poweroff -f
EOF
cat >initramfs/init <<EOF
#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
hostname nimbus-tiny
export HOME=/root PS1='nimbus-tiny# '
modprobe -a ${GUEST_MODULES[*]}
# acpid writes its pid file once it has opened the event devices: wait for it (briefly) so the
# guest already answers the power button when the banner says it booted.
acpid -p /run/acpid.pid
i=0
while [ ! -e /run/acpid.pid ] && [ \$((i += 1)) -le 100 ]; do usleep 20000; done
# Explicit ttyS0 and tty0: /dev/console is only the last console= on the command line (tty0).
for t in /dev/ttyS0 /dev/tty0; do echo "NIMBUS TINY LINUX $IMAGE_VERSION BOOTED" >"\$t"; done 2>/dev/null
while true; do getty -n -l /bin/console-shell 0 tty1; done
EOF
# The VNC console's shell writes through tee, so everything on tty1 (the prompt, typed commands as
# ash's line editor echoes them, and their output) also reaches the serial port, i.e. the console log
# os-getConsoleOutput reads. Keystrokes still come straight from tty1.
cat >initramfs/bin/console-shell <<'EOF'
#!/bin/sh
sh -i 2>&1 | tee /dev/ttyS0
EOF
chmod 755 initramfs/init initramfs/bin/console-shell initramfs/etc/acpi/power-button
# Fixed timestamps and ids throughout, so the same packages always give the same bytes.
SOURCE_DATE_EPOCH=$(stat -c %Y "$kernel")
export SOURCE_DATE_EPOCH
find initramfs -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd initramfs && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible | gzip -9 -n) >initrd.gz

cat >syslinux.cfg <<'EOF'
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL vmlinuz
  APPEND initrd=initrd.gz console=ttyS0 console=tty0
EOF
cp "$kernel" vmlinuz

# A partitionless FAT32 disk: SeaBIOS runs its boot sector, which syslinux wrote (through mtools,
# so nothing is mounted).
truncate -s 40M disk.raw
mkfs.fat -F 32 --invariant disk.raw >/dev/null
syslinux --install disk.raw
touch -d "@$SOURCE_DATE_EPOCH" vmlinuz initrd.gz syslinux.cfg
mcopy -m -i disk.raw vmlinuz initrd.gz syslinux.cfg ::
qemu-img convert -O qcow2 disk.raw disk.qcow2

mkdir -p "$(dirname "$OUT")"
chmod 644 disk.qcow2
mv -f disk.qcow2 "$OUT.tmp" && mv -f "$OUT.tmp" "$OUT"
write_stamp
say "built $OUT: $(stat -c %s "$OUT") bytes ($(du -h "$OUT" | cut -f1)), kernel $(basename "$kernel")"
