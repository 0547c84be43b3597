// The Resource handed to exporters with our spans (its attributes: options/resource.ts), in an object with
// every member of @opentelemetry/resources' Resource (2.x and 3.x), so that the SDK's exporters and
// processors of either major read it as one of theirs. Its attributes are known when it is made:
// nothing is ever pending. Pure; both threads use it.

import type { Attributes } from '@opentelemetry/api';
import type { Resource } from './sdk-shapes.js';

class FixedResource implements Resource {
  readonly attributes: Attributes;
  readonly asyncAttributesPending = false;
  readonly schemaUrl: string | undefined = undefined;

  constructor(attributes: Attributes) {
    this.attributes = Object.freeze({ ...attributes });
  }

  waitForAsyncAttributes(): Promise<void> {
    return Promise.resolve();
  }

  /** As the SDK's: the other resource's attributes win where both have a key. */
  merge(other: Resource | null): Resource {
    if (other === null) return this;
    return new FixedResource({ ...this.attributes, ...other.attributes });
  }

  getRawAttributes(): [string, Attributes[string]][] {
    return Object.entries(this.attributes);
  }
}

export function createResource(attributes: Attributes): Resource {
  return new FixedResource(attributes);
}
