import * as libvirt from "@unraid/libvirt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDomainXml, vncDisplayFromXml, xmlEscape, type DomainLayout } from "./domain-xml";
import { instanceSpecSchema, type ParsedInstanceSpec } from "./driver";

const spec: ParsedInstanceSpec = instanceSpecSchema.parse({
  uuid: "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
  name: `a & b <c> 'd' "e" \u0007bell`,
  flavor: { name: "m1.<odd>", memoryMb: 512, vcpus: 2, rootGb: 1, ephemeralGb: 0, swap: 0 },
  image: { id: "img-1", diskFormat: "qcow2" },
  metadata: { projectId: "p'1", userId: 'u"1' },
});

const layout: DomainLayout = {
  type: "qemu",
  diskPath: "/srv/instances/x/disk",
  consoleLogPath: "/srv/it's & <odd>/console.log",
  vncListen: "127.0.0.1",
};

describe("xmlEscape", () => {
  it("escapes markup and both quote styles, and drops characters XML cannot hold", () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;",
    );
    expect(xmlEscape("tab\tnew\nline\u0000\u0007\u001b end")).toBe("tab\tnew\nline end");
    expect(xmlEscape(42)).toBe("42");
  });
});

describe("buildDomainXml", () => {
  const xml = buildDomainXml(spec, layout);

  it("names the domain after the (lower-cased) instance uuid", () => {
    expect(xml).toContain("<name>instance-3f2504e0-4f89-11d3-9a0c-0305e82c3301</name>");
    expect(xml).toContain("<uuid>3f2504e0-4f89-11d3-9a0c-0305e82c3301</uuid>");
  });

  it("takes the domain type from the layout", () => {
    expect(xml.startsWith("<domain type='qemu'>")).toBe(true);
    expect(buildDomainXml(spec, { ...layout, type: "kvm" })).toMatch(/^<domain type='kvm'>/);
    expect(buildDomainXml(spec, { ...layout, type: "test" })).toMatch(/^<domain type='test'>/);
  });

  it("gives memory in KiB and the flavor's vcpus", () => {
    expect(xml).toContain("<memory unit='KiB'>524288</memory>");
    expect(xml).toContain("<currentMemory unit='KiB'>524288</currentMemory>");
    expect(xml).toContain("<vcpu>2</vcpu>");
  });

  it("has ACPI, a virtio qcow2 disk, a serial port logging to the console file, VNC and video", () => {
    expect(xml).toContain("<features>\n    <acpi/>\n  </features>");
    expect(xml).toMatch(
      /<disk type='file' device='disk'>\s*<driver name='qemu' type='qcow2'\/>\s*<source file='\/srv\/instances\/x\/disk'\/>\s*<target dev='vda' bus='virtio'\/>/,
    );
    expect(xml).toMatch(
      /<serial type='file'>\s*<source path='\/srv\/it&apos;s &amp; &lt;odd&gt;\/console.log' append='on'\/>/,
    );
    expect(xml).toContain("<target type='serial' port='0'/>");
    expect(xml).toContain("<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>");
    expect(xml).toContain("<model type='vga'/>");
  });

  it("leaves the disk out when the hypervisor has no storage", () => {
    expect(buildDomainXml(spec, { ...layout, diskPath: undefined })).not.toContain("<disk");
  });

  it("escapes every value in the metadata", () => {
    expect(xml).toContain(
      "<nimbus:name>a &amp; b &lt;c&gt; &apos;d&apos; &quot;e&quot; bell</nimbus:name>",
    );
    expect(xml).toContain("<nimbus:flavor name='m1.&lt;odd&gt;'>");
    expect(xml).toContain("<nimbus:user uuid='u&quot;1'/>");
    expect(xml).toContain("<nimbus:project uuid='p&apos;1'/>");
  });

  describe("as libvirt reads it", () => {
    let hypervisor: libvirt.Hypervisor;
    beforeAll(async () => {
      hypervisor = new libvirt.Hypervisor({ uri: "test:///default" });
      await hypervisor.connectOpen();
    });
    afterAll(async () => {
      await hypervisor.connectClose();
    });

    it("is accepted whole and keeps the escaped values intact", async () => {
      const domain = await hypervisor.domainDefineXML(
        buildDomainXml(spec, { ...layout, type: "test" }),
      );
      try {
        const back = await domain.getXMLDesc();
        expect(back).toContain("<nimbus:name>a &amp; b &lt;c&gt; 'd' \"e\" bell</nimbus:name>");
        expect(back).toContain(
          "<source path='/srv/it&apos;s &amp; &lt;odd&gt;/console.log' append='on'/>",
        );
        expect(back).toContain("<memory unit='KiB'>524288</memory>");
        expect(back).toContain("<acpi/>");
      } finally {
        await domain.undefine();
      }
    });
  });
});

describe("vncDisplayFromXml", () => {
  it("reads the port libvirt chose and the listen address", () => {
    const live = `<domain type='qemu' id='3'><devices>
      <graphics type='spice' port='5930' autoport='yes'/>
      <graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'>
        <listen type='address' address='127.0.0.1'/>
      </graphics></devices></domain>`;
    expect(vncDisplayFromXml(live)).toEqual({ listen: "127.0.0.1", port: 5901 });
  });

  it("has nothing for an inactive domain or one without VNC", () => {
    expect(
      vncDisplayFromXml("<graphics type='vnc' port='-1' autoport='yes' listen='0.0.0.0'/>"),
    ).toBe(null);
    expect(vncDisplayFromXml("<domain><devices/></domain>")).toBe(null);
  });

  it("unescapes attribute values and takes double quotes too", () => {
    expect(vncDisplayFromXml(`<graphics port="5905" type="vnc" listen="::1&amp;"/>`)).toEqual({
      listen: "::1&",
      port: 5905,
    });
  });
});
