/**
 * Files the console hands to the cashier (the shift report's CSV and PDF): built in memory, saved through an
 * `<a download>` on a Blob URL — no file system access from the renderer.
 */
import { safeFileName } from '../lib/files.ts';

/** Saves `data` as `name` through the browser's download (in Electron: its Save dialog, for blob: URLs of our origin only). */
export function saveFile(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = safeFileName(name);
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
