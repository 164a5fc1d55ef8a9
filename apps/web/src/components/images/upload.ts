// Sending an image's bytes to the dashboard's upload endpoint (src/server/dashboard-upload.ts).
// XMLHttpRequest, not fetch: only it reports upload progress. The session cookie goes along by
// itself; the body is the File, streamed by the browser, never read into memory here.

export interface UploadProgress {
  sent: number;
  total: number;
}

export function uploadImageData(
  id: string,
  file: Blob,
  onProgress: (p: UploadProgress) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", `/api/images/${encodeURIComponent(id)}/file`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) =>
      onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      reject(new Error(messageOf(xhr.responseText) ?? `The upload failed (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error("The connection was lost during the upload."));
    xhr.send(file);
  });
}

function messageOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === "string" ? parsed.message : null;
  } catch {
    return null;
  }
}
