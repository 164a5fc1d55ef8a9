import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { imagePropertiesFilter } from "./image-properties-filter";

const withProps = (properties: Record<string, string>) => prepared({ image: { properties } });
const qemuX86 = fakeHost("a", { hypervisorType: "QEMU", cpuInfo: { arch: "x86_64" } });
const qemuArm = fakeHost("b", { hypervisorType: "QEMU", cpuInfo: { arch: "aarch64" } });

describe("ImagePropertiesFilter", () => {
  it("matches hw_architecture and the legacy architecture, canonicalized", () => {
    const spellings: Record<string, string>[] = [
      { hw_architecture: "x86_64" },
      { architecture: "AMD64" },
    ];
    for (const props of spellings) {
      expect(imagePropertiesFilter.hostPasses(qemuX86, withProps(props))).toBe(true);
      expect(imagePropertiesFilter.hostPasses(qemuArm, withProps(props))).toBe(
        "image needs architecture x86_64; the host is aarch64",
      );
    }
    const i386 = withProps({ hw_architecture: "i386" });
    expect(
      imagePropertiesFilter.hostPasses(fakeHost("c", { cpuInfo: { arch: "i686" } }), i386),
    ).toBe(true);
  });

  it("matches img_hv_type and the legacy hypervisor_type; a QEMU host runs qemu and kvm guests", () => {
    for (const hv of ["qemu", "kvm", "QEMU"]) {
      expect(imagePropertiesFilter.hostPasses(qemuX86, withProps({ img_hv_type: hv }))).toBe(true);
    }
    expect(imagePropertiesFilter.hostPasses(qemuX86, withProps({ hypervisor_type: "xen" }))).toBe(
      "image needs hypervisor type xen; the host runs qemu",
    );
  });

  it("removes a host that does not say its architecture when the image needs one", () => {
    const unknown = fakeHost("c", { cpuInfo: {} });
    expect(imagePropertiesFilter.hostPasses(unknown, withProps({ architecture: "x86_64" }))).toBe(
      "image needs architecture x86_64; the host is of unknown architecture",
    );
  });

  it("passes libvirt's test hypervisor, which runs any guest", () => {
    const test = fakeHost("t", { hypervisorType: "test", cpuInfo: { arch: "i686" } });
    const seeded = withProps({ architecture: "x86_64", hypervisor_type: "qemu" });
    expect(imagePropertiesFilter.hostPasses(test, seeded)).toBe(true);
  });

  it("ignores other properties and does not run for images without these", () => {
    const spec = withProps({ hw_disk_bus: "virtio", os_distro: "debian" });
    expect(imagePropertiesFilter.appliesTo!(spec)).toBe(false);
    expect(imagePropertiesFilter.appliesTo!(withProps({ img_hv_type: "qemu" }))).toBe(true);
  });
});
