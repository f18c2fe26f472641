/**
 * @aauth-kit/core: the AAuth protocol layer (keys, RFC 9421 signatures with Signature-Key, tokens,
 * header codecs, identifiers, discovery) and the agent client.
 */
export * from './client/index.js';
export * from './constants.js';
export * from './discovery/index.js';
export * from './errors.js';
export * from './headers/index.js';
export * from './http-signatures/index.js';
export * from './identifiers.js';
export * from './keys/index.js';
export * from './signature-key/index.js';
export * from './tokens/index.js';
export { decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url } from './util/base64.js';
export { concatBytes, type ReadStreamOptions, readStreamWithLimit } from './util/read-stream.js';
export * from './verify-request.js';
