// What a Gemini request's path says: the model (…/models/{model}:method, the Gemini API's
// /v1beta/models/… and Vertex AI's …/publishers/google/models/…; a tuned model's
// …/tunedModels/{id}:method is 'tunedModels/{id}') and the method. Worker thread.

export interface GooglePath {
  model: string | undefined;
  method: string;
}

/** The model and method of a Gemini path (without its query). */
export function googlePath(path: string): GooglePath {
  const slash = path.lastIndexOf('/');
  const colon = path.indexOf(':', slash + 1);
  const method = colon < 0 ? '' : path.slice(colon + 1);
  let at = path.lastIndexOf('/models/');
  let start = at + 8;
  // A tuned model is asked for by its resource name (tunedModels/{id}), as the SDK is given it.
  if (at < 0) {
    at = path.lastIndexOf('/tunedModels/');
    start = at + 1;
  }
  if (colon < 0 || at < 0 || start >= colon) return { model: undefined, method };
  const model = decodeSegment(path.slice(start, colon));
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
