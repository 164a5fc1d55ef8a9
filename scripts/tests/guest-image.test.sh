#!/usr/bin/env bash
# Boots the tiny guest image under libvirt (qemu:///system, TCG) the way compute will: a qcow2
# overlay, a serial port logging to a file, VNC on 127.0.0.1; last, a clean shutdown (the ACPI power
# button, as compute's stop and soft reboot press it). Prints one PASS/FAIL line per check.
# Usage: guest-image.test.sh [IMAGE.qcow2]. Keeps the VNC screenshot and the console log in
# $NIMBUS_TEST_ARTIFACTS when that is set.
set -uo pipefail
LOG_TAG=guest-image-test
# shellcheck source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
require_root

IMAGE=${1:-$NIMBUS_CACHE/tiny-linux.qcow2}
BOOT_TIMEOUT=${NIMBUS_TEST_BOOT_TIMEOUT:-120}
VIRSH=(virsh -q -c qemu:///system)
name=nimbus-imgtest-$(openssl rand -hex 4)
work=$(mktemp -d /tmp/nimbus-imgtest.XXXXXX)
log=$work/console.log
failed=0

cleanup() {
  [[ -n ${NIMBUS_TEST_ARTIFACTS:-} && -f $log ]] && cp "$log" "$NIMBUS_TEST_ARTIFACTS/guest-image-console.log"
  "${VIRSH[@]}" destroy "$name" >/dev/null 2>&1 # transient: destroying it also removes it
  rm -rf "$work"
}
trap cleanup EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failed=1; }
# Control characters stripped: the serial log has \r\r\n line ends and the line editor's escapes.
log_has_line() { tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | grep -qx -- "$1"; }
log_has() { grep -qF -- "$1" "$log"; }

[[ -z ${NIMBUS_TEST_ARTIFACTS:-} ]] || mkdir -p "$NIMBUS_TEST_ARTIFACTS"
[[ -f $IMAGE ]] || { fail "image exists: $IMAGE is missing (run scripts/build-guest-image.sh)"; exit 1; }
qemu-img create -q -f qcow2 -F qcow2 -b "$IMAGE" "$work/disk.qcow2" 1G

cat >"$work/domain.xml" <<EOF
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$work/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='file'><source path='$log'/><target port='0'/></serial>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>
    <video><model type='vga'/></video>
  </devices>
</domain>
EOF

started=$SECONDS
if ! "${VIRSH[@]}" create "$work/domain.xml" >/dev/null; then
  fail "guest starts under libvirt"
  exit 1
fi
pass "guest starts under libvirt ($name)"

if wait_for "$BOOT_TIMEOUT" "the banner" log_has_line "NIMBUS TINY LINUX [0-9.]* BOOTED"; then
  pass "banner in the serial console log after $((SECONDS - started))s: $(grep -ao 'NIMBUS TINY LINUX [0-9.]* BOOTED' "$log" | head -1)"
else
  fail "banner in the serial console log within ${BOOT_TIMEOUT}s (log tail: $(tail -c 300 "$log" | tr -d '\r' | tr '\n' '|'))"
  exit 1
fi

# The shell's prompt is mirrored to the serial log, so it also says when typing can start.
if wait_for 60 "the shell prompt" log_has "nimbus-tiny# "; then
  pass "shell prompt mirrored to the serial log"
else
  fail "shell prompt mirrored to the serial log within 60s"
fi

# Type on the guest keyboard (what the VNC console does) and expect the command's output in the log.
type_line() {
  local text=$1 i c key
  for ((i = 0; i < ${#text}; i++)); do
    c=${text:i:1}
    case $c in
      [a-z0-9]) key=KEY_${c^^} ;;
      -) key=KEY_MINUS ;;
      ' ') key=KEY_SPACE ;;
      *) return 1 ;;
    esac
    "${VIRSH[@]}" send-key "$name" "$key" >/dev/null || return 1
  done
  "${VIRSH[@]}" send-key "$name" KEY_ENTER >/dev/null
}
marker=console-$(openssl rand -hex 4)
if type_line "echo $marker" && wait_for 30 "the typed command's output" log_has_line "$marker"; then
  pass "command typed on the keyboard runs, output in the serial log ($marker)"
else
  fail "command typed on the keyboard runs, output in the serial log ($marker not seen within 30s)"
fi

shot=${NIMBUS_TEST_ARTIFACTS:-$work}/guest-image-screen.png
if "${VIRSH[@]}" screenshot "$name" "$shot" >/dev/null && [[ $(head -c 4 "$shot" | od -An -c | tr -d ' ') == '211PNG' ]]; then
  pass "VNC screenshot is a PNG ($(stat -c %s "$shot") bytes${NIMBUS_TEST_ARTIFACTS:+, kept at $shot})"
else
  fail "VNC screenshot is a PNG"
fi

# The transient domain goes away once the guest powers off (on_poweroff destroy): not active is off.
guest_is_off() {
  local active
  active=$("${VIRSH[@]}" list --name) && ! grep -qx -- "$name" <<<"$active"
}
shutdown_line="NIMBUS TINY LINUX: power button, shutting down"
pressed_ms=$(date +%s%3N)
if "${VIRSH[@]}" shutdown "$name" >/dev/null && wait_for 30 "the guest to power off" guest_is_off; then
  took_ms=$(($(date +%s%3N) - pressed_ms))
  pass "clean shutdown: the guest powered off $((took_ms / 1000)).$(printf %03d $((took_ms % 1000)))s after virsh shutdown"
else
  fail "clean shutdown: the guest did not power off within 30s of virsh shutdown (log tail: $(tail -c 300 "$log" | tr -d '\r' | tr '\n' '|'))"
fi
if log_has_line "$shutdown_line"; then
  pass "power button line in the serial log"
else
  fail "power button line in the serial log ('$shutdown_line')"
fi

exit $failed
