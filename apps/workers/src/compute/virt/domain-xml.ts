// The libvirt domain XML of an instance (a pure function), and the one thing read back from a live
// domain's XML: its VNC display.
import type { ParsedInstanceSpec } from "./driver";

/** Our namespace for the domain's <metadata> element (Nova uses its own for nova:instance). */
export const METADATA_NAMESPACE = "urn:nimbus:libvirt:instance:1.0";

/** `qemu` (TCG) and `kvm` for real guests; `test` for libvirt's test:///default hypervisor. */
export type DomainType = "qemu" | "kvm" | "test";

export interface DomainLayout {
  type: DomainType;
  /** The instance's qcow2 disk; absent on a hypervisor without storage (no <disk> then). */
  diskPath?: string;
  /** Where the first serial port writes (the console log). */
  consoleLogPath: string;
  /** The address the VNC server listens on. */
  vncListen: string;
}

export const domainName = (uuid: string) => `instance-${uuid}`;

// XML 1.0 forbids these code points even when escaped; a display name could carry them.
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escape text for element content and for attribute values in either quote style. */
export function xmlEscape(value: string | number): string {
  return String(value)
    .replace(INVALID_XML_CHARS, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export function buildDomainXml(spec: ParsedInstanceSpec, layout: DomainLayout): string {
  const e = xmlEscape;
  const memoryKib = spec.flavor.memoryMb * 1024;
  const { flavor } = spec;
  const disk = layout.diskPath
    ? `
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${e(layout.diskPath)}'/>
      <target dev='vda' bus='virtio'/>
    </disk>`
    : "";
  // append='on': the log keeps every boot, as a serial console captured to a file would.
  const log = `<source path='${e(layout.consoleLogPath)}' append='on'/>`;
  return `<domain type='${e(layout.type)}'>
  <name>${e(domainName(spec.uuid))}</name>
  <uuid>${e(spec.uuid)}</uuid>
  <metadata>
    <nimbus:instance xmlns:nimbus='${METADATA_NAMESPACE}'>
      <nimbus:name>${e(spec.name)}</nimbus:name>
      <nimbus:flavor name='${e(flavor.name)}'>
        <nimbus:memory>${e(flavor.memoryMb)}</nimbus:memory>
        <nimbus:vcpus>${e(flavor.vcpus)}</nimbus:vcpus>
        <nimbus:disk>${e(flavor.rootGb)}</nimbus:disk>
        <nimbus:ephemeral>${e(flavor.ephemeralGb)}</nimbus:ephemeral>
        <nimbus:swap>${e(flavor.swap)}</nimbus:swap>
      </nimbus:flavor>
      <nimbus:owner>
        <nimbus:user uuid='${e(spec.metadata.userId)}'/>
        <nimbus:project uuid='${e(spec.metadata.projectId)}'/>
      </nimbus:owner>
      <nimbus:root type='image' uuid='${e(spec.image.id)}'/>
    </nimbus:instance>
  </metadata>
  <memory unit='KiB'>${memoryKib}</memory>
  <currentMemory unit='KiB'>${memoryKib}</currentMemory>
  <vcpu>${e(flavor.vcpus)}</vcpu>
  <os>
    <type>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
  </features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>${disk}
    <serial type='file'>
      ${log}
      <target port='0'/>
    </serial>
    <console type='file'>
      ${log}
      <target type='serial' port='0'/>
    </console>
    <input type='tablet' bus='usb'/>
    <graphics type='vnc' port='-1' autoport='yes' listen='${e(layout.vncListen)}'/>
    <video>
      <model type='vga'/>
    </video>
  </devices>
</domain>
`;
}

const unescapeXml = (value: string) =>
  value
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/**
 * The VNC display of a live domain's XML as libvirt writes it, or null when it has none yet
 * (an inactive domain keeps port='-1'). Reads attributes only: libvirt escapes their values.
 */
export function vncDisplayFromXml(xml: string): { listen: string; port: number } | null {
  for (const [tag] of xml.matchAll(/<graphics\b[^>]*>/g)) {
    const attrs = new Map(
      [...tag.matchAll(/([\w:-]+)=(?:'([^']*)'|"([^"]*)")/g)].map((m) => [
        m[1],
        unescapeXml(m[2] ?? m[3] ?? ""),
      ]),
    );
    if (attrs.get("type") !== "vnc") continue;
    const port = Number(attrs.get("port"));
    if (!Number.isInteger(port) || port <= 0) return null;
    return { listen: attrs.get("listen") ?? "127.0.0.1", port };
  }
  return null;
}
