import { describe, expect, it } from 'vitest';
import { HeaderParseError, InvalidArgumentError } from '../errors.js';
import { parseSignatureError, serializeSignatureError } from './signature-error.js';

describe('Signature-Error', () => {
  it('parses the error Token', () => {
    expect(parseSignatureError('error=expired_jwt')).toEqual({ error: 'expired_jwt' });
  });

  it('parses required_input as a list of component names', () => {
    expect(parseSignatureError('error=invalid_input, required_input=("@method" "content-digest")')).toEqual({
      error: 'invalid_input',
      requiredInput: ['@method', 'content-digest'],
    });
  });

  it('keeps unknown members as extensions and writes them back', () => {
    const parsed = parseSignatureError('error=revoked_jwt, future="x", n=1');
    expect(parsed.error).toBe('revoked_jwt');
    expect(parsed.extensions?.get('future')).toEqual(['x', new Map()]);
    expect(parsed.extensions?.get('n')).toEqual([1, new Map()]);
    expect(serializeSignatureError(parsed)).toBe('error=revoked_jwt, future="x", n=1');
  });

  it('refuses a missing or non-Token error and a bad required_input', () => {
    for (const value of [
      '',
      'required_input=("@path")',
      'error="invalid_signature"',
      'error=(invalid_signature)',
      'error=invalid_input, required_input="@path"',
      'error=invalid_input, required_input=(@path)',
      'error=invalid_input, required_input=("@path" 1)',
      'error=invalid_input,',
    ]) {
      expect(() => parseSignatureError(value), value).toThrow(HeaderParseError);
    }
  });

  it('serializes canonically', () => {
    expect(serializeSignatureError({ error: 'invalid_signature' })).toBe('error=invalid_signature');
    expect(serializeSignatureError({ error: 'invalid_input', requiredInput: ['@method', '@path'] })).toBe(
      'error=invalid_input, required_input=("@method" "@path")',
    );
  });

  it('refuses non-Token errors, non-string components and shadowing extensions', () => {
    expect(() => serializeSignatureError({ error: 'bad code' })).toThrow(InvalidArgumentError);
    expect(() =>
      serializeSignatureError({ error: 'invalid_input', requiredInput: [1 as unknown as string] }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      serializeSignatureError({ error: 'x', extensions: new Map([['error', ['y', new Map()]]]) }),
    ).toThrow(InvalidArgumentError);
  });
});
