import { createPrivateKey, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSshKeyPair, sshFingerprint, x509Fingerprint } from "./key-material";

// Keys made with ssh-keygen; the expected fingerprints are what `ssh-keygen -l -E md5` printed.
const KEYS = {
  rsa: [
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC11pR5DOEvhLfaYOWU6JRgewWnSiYhG4jUfAEPlEFE7w5DTwwCDjHxGtPjLQYwHZloQo+K45UqFylx7MJpXrJRpMgo5/hPQKa1x/YHlp3HwXzBLEescg+iw6eelmbbMPnKG8uHRO/Brw1D7+T1J8AIxPQRXUrjaWLdFmD8uvV26jTuUg3swaqwfLg4O8QYzP0bQIlv+sTkMDBty2bW/A9JFggxJac8WzBK41w+Gas9PJcFAo/el9ykl773PPa4pw1x1jqaixpn42kELyTMqJNmQ44m8OWhs+z7cIVVqmqSrzwN/jwiJY9K/yM1LkPTW4x8Z0eu5DGF1lm8DowO8GJJ test@nimbus",
    "ad:40:5a:06:81:33:6c:c3:b5:3c:b0:85:ad:08:b3:dc",
  ],
  ed25519: [
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOKiRosdQ9GrP3naZhBCoAlRUAYM3jAcrGn2a/RDrCs9 test@nimbus",
    "53:74:47:b8:19:73:44:be:76:b7:f1:e2:94:0d:82:8d",
  ],
  p256: [
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBJULyLgERPGZyeY+FBI3qqSgOP4hNC3/x0vTiAp7IMxbAPRZ3y2pHYKVGTWhpPRoDZ0jm9FdbdTvDcRakjPHiQ= test@nimbus",
    "66:74:51:37:5a:b5:c5:46:d6:47:19:1c:0b:d1:fa:ab",
  ],
  p521: [
    "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAD6sBMo7vjBNlv6Ufofl75SI0a9e2cv+SyD6H8K/bpIcbcBm06eGXC/Xp1b6d8lc5n6Ev5koCj+IovsVM11H6PirgDECc/PJMLcQNQTIl727UBVLVIEi9R5JHqTqE4QQp4wU4KhcgFdXmkKc8jHlfcev/nXAP6a454K9OKMCzMK8Rq5oA== test@nimbus",
    "67:04:09:95:c6:f3:1a:d6:b4:32:2c:87:b2:da:89:91",
  ],
  dsa: [
    "ssh-dss AAAAB3NzaC1kc3MAAACBAI73zJEHHJ8+tbnS+PaBj22VGgQ8VlRKiFABbzqWCOtYm+GO8IbvhcMby+NQWPRKT00MK2/OV5H+QYGe6QbnJPSNxZjwdKz0AbXPqx22IUhV96l8Ho05Dj7fPjQf61P3hliB71LGeWjfLYOVsmymxKt4zhOju/4yDV6fa4mjzS0jAAAAFQCX73QDTlf9sALitt7CMuGgRypwqQAAAIANwDo+jLfW7VM9XS/o/ARGFi9IcPesbc32aLB1Q4q8WaSwBfZ3we9BZohDl7epFYCWO4taZMJRLv0MryWePIlB763jGqdY33ptiC5Dqg8WJ1+li46CVujTM/963oTn/MEWBXNKfeO+gB5WMV4e0DhfYU4vo4BJG67bVIE7oomQ1AAAAIAvLlic7CF/NLKrD/qB3IHY7PcCawhHemOa/CW6kaJHpfXB1i8CPUZzBekC/l7JCJhpIcAZRhOSUse8Fbqwy/kRukGsejsb+3CY8wjlk/G705lv6MASe7oAeZYQdGq1u0vqcP1BhxWt8IL9k6R2WHo9ZE1547EeVgzGnMWdwaFa4Q== root@vm",
    "e7:6a:71:f4:58:8f:af:08:dd:06:dc:0c:60:61:d1:b6",
  ],
} as const;

// `openssl req -x509 …`; `openssl x509 -fingerprint -sha1` printed E4:B2:F5:…:02:B0.
const CERT =
  "-----BEGIN CERTIFICATE-----\nMIIDAzCCAeugAwIBAgIUWrBjXoNU3NgHtu101czT//BXRAwwDQYJKoZIhvcNAQEL\nBQAwETEPMA0GA1UEAwwGbmltYnVzMB4XDTI2MTEyMTA4MTMzNVoXDTI2MTEyMjA4\nMTMzNVowETEPMA0GA1UEAwwGbmltYnVzMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\nMIIBCgKCAQEAykUkDc6GuD1djIBsqGJl2w+UjW94VUip0lj5hfGipUXnU1O/JUr8\nfaXozlCr7ei0RmUlKd2yvPg7Cr8VwGk05v59mLEstviNmkzXc4KxmZFRqKW+iPDM\nlQN63kRj+J0lGlM7+pM3s31AGvcVZfOJR9IHLUnIjDNNNYZuTeh/8/xR2rszugdh\nf9KUB7mHlfi74ougdbaNWz2JhdvvwatWK2pYkVpVRM4edhccyLsPNGqIZvof7PPv\nf0pla47r91KlNS7q+xf0Ak4PEGxt7opdb29dW7aTL8w/Oo7a035virTZRkjXurLu\nogzFLJjajUJZo3wHir0H01ylnoGIqMz7OwIDAQABo1MwUTAdBgNVHQ4EFgQU3k15\nJQ/153EwWVlYW9kdj1U1HPcwHwYDVR0jBBgwFoAU3k15JQ/153EwWVlYW9kdj1U1\nHPcwDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAH1yI0Gdn3ajt\nESIS8CEfyGKdPA1VGqzbhTBdg7VzwAHu9zNa2lQMw8L8c0lmzL8pJLKw+DG0BWti\nErVewoEd3SJuB46Fu/7gdtkWU8bVnLC/lo5wKBRZBHgThNoGQcv/LtMPcX3pgu/2\n3BmbaZZBjhS5G9+SxxExE2l5STp16dOdxmQ1RFKK5yY4i7fYkoDPfa9P+/Cr9GHb\ng1DoYGSIDirsZbed4ZmFhqmfN1FILQqTUwUqlPk4yci9yVBAAcYD2NiIwvgQSLgL\nRSa68CC9hEmIlE0NqcbgjFx9lXp97boE7YUd5fmoSTgEbRxlQQSzijijsLvwgHRD\nKF7dLaHECA==\n-----END CERTIFICATE-----\n";

describe("sshFingerprint", () => {
  it.each(Object.entries(KEYS))(
    "fingerprints an %s key as ssh-keygen -E md5 does",
    (_, [key, fp]) => {
      expect(sshFingerprint(key)).toBe(fp);
      expect(sshFingerprint(`${key}\n`)).toBe(fp);
    },
  );

  it("refuses what is not a public key that loads", () => {
    const [rsa] = KEYS.rsa;
    const [type, data] = rsa.split(" ") as [string, string];
    expect(sshFingerprint("")).toBeNull();
    expect(sshFingerprint("not a key")).toBeNull();
    expect(sshFingerprint(type)).toBeNull();
    // The type outside must be the type inside.
    expect(sshFingerprint(`ssh-ed25519 ${data}`)).toBeNull();
    // Truncated, or not base64 at all.
    expect(sshFingerprint(`${type} ${data.slice(0, 200)}`)).toBeNull();
    expect(sshFingerprint(`${type} !!!!`)).toBeNull();
    // A private key is not a public key.
    expect(sshFingerprint("-----BEGIN OPENSSH PRIVATE KEY-----")).toBeNull();
    // An ECDSA point that is not on the curve.
    const [p256] = KEYS.p256;
    const blob = Buffer.from(p256.split(" ")[1]!, "base64");
    blob.writeUInt8(blob.readUInt8(blob.length - 1) ^ 0xff, blob.length - 1);
    expect(sshFingerprint(`ecdsa-sha2-nistp256 ${blob.toString("base64")}`)).toBeNull();
  });
});

describe("x509Fingerprint", () => {
  it("is the SHA-1 of the certificate in lower-case colon hex", () => {
    expect(x509Fingerprint(CERT)).toBe(
      "e4:b2:f5:7c:7d:da:7a:9f:f7:f8:94:5d:05:a5:04:ed:b1:39:02:b0",
    );
  });

  it("throws on anything else", () => {
    expect(() => x509Fingerprint(KEYS.rsa[0])).toThrow();
  });
});

describe("generateSshKeyPair", () => {
  it("makes an RSA 2048 pair: PKCS#1 PEM private key, OpenSSH public key of the same key", async () => {
    const pair = await generateSshKeyPair();
    expect(pair.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(pair.publicKey).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ Generated-by-Nimbus$/);
    expect(sshFingerprint(pair.publicKey)).toBe(pair.fingerprint);
    const fromPrivate = createPublicKey(createPrivateKey(pair.privateKey)).export({
      format: "jwk",
    });
    expect(fromPrivate.kty).toBe("RSA");
    expect(Buffer.from(fromPrivate.n!, "base64url")).toHaveLength(256);
    // The OpenSSH blob carries the same modulus (as an mpint: a 0 byte before a high bit).
    const blob = Buffer.from(pair.publicKey.split(" ")[1]!, "base64");
    expect(blob.includes(Buffer.from(fromPrivate.n!, "base64url"))).toBe(true);
  });
});
