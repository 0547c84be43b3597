// What a Gemini request's path says: the model (…/models/{model}:method, the Gemini API's
// /v1beta/models/… and Vertex AI's …/publishers/google/models/…) and the method. Worker thread.

export interface GooglePath {
  model: string | undefined;
  method: string;
}

/** The model and method of a Gemini path (without its query). */
export function googlePath(path: string): GooglePath {
  const slash = path.lastIndexOf('/');
  const colon = path.indexOf(':', slash + 1);
  const method = colon < 0 ? '' : path.slice(colon + 1);
  const at = path.lastIndexOf('/models/');
  if (colon < 0 || at < 0 || at + 8 > colon) return { model: undefined, method };
  const model = decodeSegment(path.slice(at + 8, colon));
  return { model: model === '' || model.length > 256 ? undefined : model, method };
}

function decodeSegment(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
