// ImagePropertiesFilter: an image that names an architecture (`hw_architecture`, legacy
// `architecture`) or a hypervisor type (`img_hv_type`, legacy `hypervisor_type`) only goes to hosts
// that run it. Other properties are not this filter's business and pass.
// libvirt's test hypervisor is a fake that "runs" any guest, so its hosts pass whatever the image
// asks (otherwise no test-driver host could take the seeded x86_64/qemu image: it reports i686).
import type { HostFilter } from "./filter";

export const imagePropertiesFilter: HostFilter = {
  name: "ImagePropertiesFilter",
  summary: "image architecture or hypervisor type not supported",
  appliesTo: (spec) => spec.imageArch !== null || spec.imageHypervisorType !== null,
  hostPasses(host, spec) {
    if (host.hypervisorType === "test") return true;
    if (spec.imageArch !== null && host.arch !== spec.imageArch) {
      return `image needs architecture ${spec.imageArch}; the host is ${host.arch ?? "of unknown architecture"}`;
    }
    const hv = spec.imageHypervisorType;
    if (hv !== null && !host.hypervisorTypes.includes(hv)) {
      return `image needs hypervisor type ${hv}; the host runs ${host.hypervisorType}`;
    }
    return true;
  },
};
