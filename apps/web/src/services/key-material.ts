// Key pair material as Nova handles it (nova/crypto.py): an OpenSSH public key is checked by
// loading it and fingerprinted as the MD5 of its base64 blob in colon hex; an x509 certificate by
// the SHA-1 of its DER form; a generated pair is RSA 2048, the private key in PEM (PKCS#1, as
// paramiko writes it) and the public key in OpenSSH format.
import {
  createHash,
  createPublicKey,
  generateKeyPair,
  X509Certificate,
  type JsonWebKey,
} from "node:crypto";
import { promisify } from "node:util";

const colonHex = (hex: string) => hex.match(/../g)!.join(":");

/** The fields of an SSH wire-format blob (RFC 4251 strings), or null when it is malformed. */
function sshFields(blob: Buffer): Buffer[] | null {
  const fields: Buffer[] = [];
  for (let at = 0; at < blob.length;) {
    if (at + 4 > blob.length) return null;
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) return null;
    fields.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return fields;
}

const b64url = (b: Buffer) => b.toString("base64url");
/** An mpint as JWK wants it: unsigned, without the sign byte. */
const unsigned = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);

const CURVES: Record<string, { crv: string; size: number }> = {
  nistp256: { crv: "P-256", size: 32 },
  nistp384: { crv: "P-384", size: 48 },
  nistp521: { crv: "P-521", size: 66 },
};

/** The public key the blob describes, as a JWK node:crypto can load; null if it describes none. */
function jwkOf(type: string, fields: Buffer[]): JsonWebKey | null {
  if (fields[0]?.toString("latin1") !== type) return null;
  if (type === "ssh-rsa" && fields.length === 3) {
    return { kty: "RSA", e: b64url(unsigned(fields[1]!)), n: b64url(unsigned(fields[2]!)) };
  }
  if (type === "ssh-ed25519" && fields.length === 2 && fields[1]!.length === 32) {
    return { kty: "OKP", crv: "Ed25519", x: b64url(fields[1]!) };
  }
  const curve = CURVES[type.replace(/^ecdsa-sha2-/, "")];
  if (type.startsWith("ecdsa-sha2-") && curve && fields.length === 3) {
    const point = fields[2]!;
    if (fields[1]!.toString("latin1") !== type.slice("ecdsa-sha2-".length)) return null;
    if (point[0] !== 4 || point.length !== 1 + 2 * curve.size) return null;
    return {
      kty: "EC",
      crv: curve.crv,
      x: b64url(point.subarray(1, 1 + curve.size)),
      y: b64url(point.subarray(1 + curve.size)),
    };
  }
  return null;
}

/**
 * The fingerprint of an OpenSSH public key (`type base64 [comment]`), or null when it is not one
 * that loads: RSA, Ed25519, ECDSA on the NIST curves, and DSA (checked for shape only: node
 * cannot load DSA keys from their parts).
 */
export function sshFingerprint(publicKey: string): string | null {
  const [type, data] = publicKey.trim().split(/\s+/);
  if (!type || !data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return null;
  const blob = Buffer.from(data, "base64");
  const fields = sshFields(blob);
  if (!fields) return null;
  if (type === "ssh-dss") {
    if (fields.length !== 5 || fields[0]!.toString("latin1") !== type) return null;
  } else {
    const jwk = jwkOf(type, fields);
    if (!jwk) return null;
    try {
      createPublicKey({ key: jwk, format: "jwk" });
    } catch {
      return null;
    }
  }
  return colonHex(createHash("md5").update(blob).digest("hex"));
}

/** The fingerprint of a PEM x509 certificate; throws with the parser's reason when it is not one. */
export function x509Fingerprint(pem: string): string {
  const cert = new X509Certificate(pem);
  return colonHex(createHash("sha1").update(cert.raw).digest("hex"));
}

export interface GeneratedKeyPair {
  privateKey: string;
  publicKey: string;
  fingerprint: string;
}

const generate = promisify(generateKeyPair);

/** A new RSA 2048 pair (generated off the event loop). */
export async function generateSshKeyPair(): Promise<GeneratedKeyPair> {
  const { publicKey, privateKey } = await generate("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  const jwk = createPublicKey(publicKey).export({ format: "jwk" }) as { n: string; e: string };
  const string = (b: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.length);
    return Buffer.concat([length, b]);
  };
  // An mpint is signed: a leading 1 bit needs a zero byte in front.
  const mpint = (b: Buffer) => string(b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
  const blob = Buffer.concat([
    string(Buffer.from("ssh-rsa")),
    mpint(Buffer.from(jwk.e, "base64url")),
    mpint(Buffer.from(jwk.n, "base64url")),
  ]);
  const openssh = `ssh-rsa ${blob.toString("base64")} Generated-by-Nimbus`;
  return { privateKey, publicKey: openssh, fingerprint: sshFingerprint(openssh)! };
}
