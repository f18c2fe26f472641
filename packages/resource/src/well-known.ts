/** Serving `/.well-known/aauth-resource.json` and `/.well-known/jwks.json` from a fetch-style handler. */
import type { Jwks, ResourceMetadata } from '@aauth-kit/core';
import { MEDIA_TYPE, PROBLEM_CODE, WELL_KNOWN_PATH } from './constants.js';
import { problemResponse } from './responses.js';

/** Discovery caches honour max-age (clamped to 60 s..24 h by aauth-kit); an hour keeps rotation quick. */
const CACHE_CONTROL = 'public, max-age=3600';

function documentResponse(body: string, contentType: string, head: boolean): Response {
  return new Response(head ? null : body, {
    status: 200,
    headers: { 'content-type': contentType, 'cache-control': CACHE_CONTROL },
  });
}

export interface WellKnownDocuments {
  metadata: ResourceMetadata;
  jwks: Jwks;
}

/** A handler answering the two documents; undefined for every other path. Serialized once. */
export function createWellKnownHandler(
  documents: WellKnownDocuments,
): (request: Request) => Response | undefined {
  const metadataBody = JSON.stringify(documents.metadata);
  const jwksBody = JSON.stringify(documents.jwks);
  return (request) => {
    let pathname: string;
    try {
      pathname = new URL(request.url).pathname;
    } catch {
      return undefined;
    }
    const isMetadata = pathname === WELL_KNOWN_PATH.metadata;
    if (!isMetadata && pathname !== WELL_KNOWN_PATH.jwks) return undefined;
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      return problemResponse(405, PROBLEM_CODE.methodNotAllowed, `${pathname} accepts GET and HEAD only`, {
        allow: 'GET, HEAD',
      });
    }
    return isMetadata
      ? documentResponse(metadataBody, MEDIA_TYPE.json, method === 'HEAD')
      : documentResponse(jwksBody, MEDIA_TYPE.jwkSet, method === 'HEAD');
  };
}
