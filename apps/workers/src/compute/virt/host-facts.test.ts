import { describe, expect, it } from "vitest";
import { parseHostCpu, parseHypervisorVersion } from "./host-facts";

describe("parseHypervisorVersion", () => {
  it("encodes major.minor.micro as Nova does", () => {
    const qemu =
      "Compiled against library: libvirt 9.0.0\nUsing API: QEMU 9.0.0\nRunning hypervisor: QEMU 7.2.22\n";
    expect(parseHypervisorVersion(qemu)).toBe(7_002_022);
    expect(parseHypervisorVersion("Running hypervisor: TEST 0.0.2\n")).toBe(2);
  });

  it("refuses output without a hypervisor line", () => {
    expect(() => parseHypervisorVersion("Using library: libvirt 9.0.0\n")).toThrow(
      /hypervisor version/,
    );
  });
});

describe("parseHostCpu", () => {
  it("reads the host CPU, not a guest's", () => {
    const caps = `<capabilities><host><uuid>x</uuid><cpu><arch>x86_64</arch><model>kvm64</model>
      <vendor>AMD</vendor><topology sockets='1' dies='1' cores='2' threads='1'/>
      <feature name='vme'/><feature name="sse4.2"/></cpu><topology><cells num='1'/></topology></host>
      <guest><arch name='i686'><cpu><model>other</model></cpu></arch></guest></capabilities>`;
    expect(parseHostCpu(caps)).toEqual({
      arch: "x86_64",
      model: "kvm64",
      vendor: "AMD",
      features: ["vme", "sse4.2"],
    });
  });

  it("leaves out what the hypervisor does not say", () => {
    const caps =
      "<capabilities><host><cpu><arch>i686</arch><features><pae/></features></cpu></host></capabilities>";
    expect(parseHostCpu(caps)).toEqual({
      arch: "i686",
      model: undefined,
      vendor: undefined,
      features: [],
    });
  });
});
