// Host facts the binding cannot give (it lacks virConnectGetVersion and virConnectGetCapabilities),
// read with virsh on the same URI. They do not change while libvirtd runs, so the driver reads them
// once per connection and the cost of two short processes does not matter.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { VirtError } from "./driver";

const run = promisify(execFile);

export interface HostFacts {
  /** major * 1,000,000 + minor * 1,000 + micro, as virConnectGetVersion reports it. */
  hypervisorVersion: number;
  cpu: { arch?: string; model?: string; vendor?: string; features: string[] };
}

async function virsh(uri: string, command: string): Promise<string> {
  try {
    const { stdout } = await run("virsh", ["-c", uri, command], { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new VirtError("FAILED", `virsh ${command} failed: ${detail}`, { cause: err });
  }
}

export async function readHostFacts(uri: string): Promise<HostFacts> {
  const [version, capabilities] = await Promise.all([
    virsh(uri, "version"),
    virsh(uri, "capabilities"),
  ]);
  return { hypervisorVersion: parseHypervisorVersion(version), cpu: parseHostCpu(capabilities) };
}

/** From `virsh version`'s "Running hypervisor: QEMU 7.2.0" line. */
export function parseHypervisorVersion(output: string): number {
  const match = /^Running hypervisor:\s*\S+\s+(\d+)\.(\d+)\.(\d+)/m.exec(output);
  if (!match) throw new VirtError("FAILED", `cannot read the hypervisor version from: ${output}`);
  const [major, minor, micro] = match.slice(1).map(Number) as [number, number, number];
  return major * 1_000_000 + minor * 1_000 + micro;
}

/** The host CPU of a capabilities document (its first <cpu> element, inside <host>). */
export function parseHostCpu(capabilities: string): HostFacts["cpu"] {
  const host = /<host>([\s\S]*?)<\/host>/.exec(capabilities)?.[1] ?? "";
  const cpu = /<cpu>([\s\S]*?)<\/cpu>/.exec(host)?.[1] ?? "";
  const text = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(cpu)?.[1]?.trim();
  return {
    arch: text("arch"),
    model: text("model"),
    vendor: text("vendor"),
    features: [...cpu.matchAll(/<feature\s+name=['"]([^'"]+)['"]/g)].map((m) => m[1] as string),
  };
}
