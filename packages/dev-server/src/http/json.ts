/** Parses and validates JSON request bodies; every failure is a 4xx `HttpProblemError`, never a throw-through. */
import type { IncomingHttpHeaders } from 'node:http';
import { PROBLEM_CODE } from '../constants.js';
import { HttpProblemError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

function invalid(detail: string): HttpProblemError {
  return new HttpProblemError(400, PROBLEM_CODE.invalidRequest, detail);
}

/** True for `application/json` and `application/<x>+json`, with or without parameters. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return essence === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(essence);
}

/** Decodes a JSON object body; `allowEmpty` turns a missing body into `{}`. */
export function parseJsonObject(
  headers: IncomingHttpHeaders,
  body: Uint8Array,
  options: { allowEmpty?: boolean } = {},
): JsonObject {
  if (body.byteLength === 0) {
    if (options.allowEmpty) return {};
    throw invalid('a JSON object body is required');
  }
  if (!isJsonMediaType(headers['content-type'])) {
    throw new HttpProblemError(415, PROBLEM_CODE.unsupportedMediaType, 'the body must be application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (cause) {
    throw new HttpProblemError(400, PROBLEM_CODE.invalidRequest, 'the body is not valid UTF-8 JSON', {
      cause,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('the body must be a JSON object');
  }
  return value as JsonObject;
}

export function requireString(body: JsonObject, name: string, maxLength = 16_384): string {
  const value = body[name];
  if (value === undefined || value === null) throw invalid(`"${name}" is required`);
  if (typeof value !== 'string' || value.length === 0) throw invalid(`"${name}" must be a non-empty string`);
  if (value.length > maxLength) throw invalid(`"${name}" is longer than ${maxLength} characters`);
  return value;
}

export function optionalString(body: JsonObject, name: string, maxLength = 16_384): string | undefined {
  if (body[name] === undefined || body[name] === null) return undefined;
  return requireString(body, name, maxLength);
}

export function optionalStringArray(body: JsonObject, name: string, maxItems = 32): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > maxItems || !value.every((v) => typeof v === 'string')) {
    throw invalid(`"${name}" must be an array of at most ${maxItems} strings`);
  }
  return value as string[];
}

/** An optional JSON object member (e.g. a JWK). */
export function optionalObject(body: JsonObject, name: string): JsonObject | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`"${name}" must be a JSON object`);
  return value as JsonObject;
}
