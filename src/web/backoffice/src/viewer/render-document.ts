/**
 * The embedded viewer's content: a document's file turned into a static HTML page of images (PDF
 * pages drawn by pdf.js, or the image itself) or escaped plain text, shown through a blob: URL in
 * an `<iframe sandbox>` with no permission at all (no script, an opaque origin). The file never
 * runs as active content, and nothing in the frame offers to save it: downloading is a separate,
 * separately audited action for the actors who may.
 *
 * pdf.js runs in its own worker (a file of the build, under the page's `worker-src 'self'`); it
 * compiles fonts to paths, never with eval, and adds font rules through constructed style sheets,
 * which the strict CSP allows (no <style> element, no inline style).
 */
import { getDocument, GlobalWorkerOptions } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

/** One rendered page: a PNG data: URL and its size in CSS pixels. */
export interface RenderedPage {
  src: string;
  width: number;
  height: number;
}

/** Texts of the generated page (from the caller's message files). */
export interface ViewerLabels {
  title: string;
  page: (n: number, of: number) => string;
}

/** Renders every page of a PDF (up to `maxPages`) to PNG images `cssWidth` wide. */
export async function renderPdf(
  data: ArrayBuffer,
  opts: { cssWidth: number; maxPages?: number },
): Promise<{ pages: RenderedPage[]; total: number }> {
  const task = getDocument({
    data: new Uint8Array(data),
    // No fetching of anything beyond the bytes given (fonts, maps): the CSP and the audit see one view.
    useSystemFonts: true,
    disableWorkerRendering: true,
    enableXfa: false,
  });
  const pdf = await task.promise;
  try {
    const total = pdf.numPages;
    const count = Math.min(total, opts.maxPages ?? 50);
    const pages: RenderedPage[] = [];
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    for (let n = 1; n <= count; n++) {
      const page = await pdf.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const scale = opts.cssWidth / base.width;
      const viewport = page.getViewport({ scale: scale * ratio });
      const canvas = document.createElement('canvas');
      canvas.width = Math.ceil(viewport.width);
      canvas.height = Math.ceil(viewport.height);
      await page.render({ canvas, viewport }).promise;
      pages.push({
        src: canvas.toDataURL('image/png'),
        width: Math.round(viewport.width / ratio),
        height: Math.round(viewport.height / ratio),
      });
      page.cleanup();
    }
    return { pages, total };
  } finally {
    await task.destroy();
  }
}

/** The file as a data: URL (for an image document). */
export function dataUrlOf(data: ArrayBuffer, mediaType: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(new Blob([data], { type: mediaType }));
  });
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A static HTML page (no script, no style element) of images or text, as a blob: URL. */
export function viewerPageUrl(
  content: { kind: 'images'; pages: RenderedPage[] } | { kind: 'text'; text: string },
  labels: ViewerLabels,
  lang: string,
): string {
  const body =
    content.kind === 'images'
      ? content.pages
          .map(
            (p, i) =>
              `<p><img src="${p.src}" width="${p.width}" height="${p.height}" alt="${escapeHtml(labels.page(i + 1, content.pages.length))}"></p>`,
          )
          .join('\n')
      : `<pre>${escapeHtml(content.text)}</pre>`;
  const html = `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><title>${escapeHtml(labels.title)}</title></head><body>${body}</body></html>`;
  return URL.createObjectURL(new Blob([html], { type: 'text/html' }));
}
