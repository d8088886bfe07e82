// @vitest-environment node
/**
 * Signature Version 4 as S3-compatible stores check it, against AWS's own published
 * example (the S3 API reference's "GET Object" with a Range header, keys of the example
 * account, 24 May 2013), and the S3 settings read from the configuration.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config';
import { EMPTY_PAYLOAD, signRequest, uriEncode } from '../../../server/src/files/sigv4';

const example = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
};

describe('Signature Version 4', () => {
  it('signs AWS’s published GET Object example to the published signature', () => {
    const headers = signRequest(
      {
        method: 'GET',
        host: 'examplebucket.s3.amazonaws.com',
        path: '/test.txt',
        headers: { Range: 'bytes=0-9' },
        payloadHash: EMPTY_PAYLOAD,
      },
      example,
      new Date('2013-05-24T00:00:00Z'),
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
    // The secret is used, never sent.
    expect(JSON.stringify(headers)).not.toContain(example.secretAccessKey);
  });

  it('signs streamed bodies as unsigned payload, and any change to the request changes the signature', () => {
    const at = new Date('2026-11-22T10:00:00Z');
    const put = (path: string) =>
      signRequest({ method: 'PUT', host: '127.0.0.1:9000', path, headers: { 'content-length': '5' } }, example, at);
    expect(put('/b/k1')['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(put('/b/k1').authorization).not.toBe(put('/b/k2').authorization);
    expect(put('/b/k1').authorization).toBe(put('/b/k1').authorization);
  });

  it('percent-encodes paths once, keeping only unreserved characters and slashes', () => {
    expect(uriEncode('/bucket/a b+c~d_e.f-g', true)).toBe('/bucket/a%20b%2Bc~d_e.f-g');
    expect(uriEncode('ü/x', false)).toBe('%C3%BC%2Fx');
  });
});

describe('S3 settings', () => {
  const base = { SITES_FILE: '/tmp/sites.json' };
  it('keeps files on disk unless all four S3 settings are given', () => {
    expect(loadConfig(base, []).s3).toBeUndefined();
    const config = loadConfig(
      {
        ...base,
        FILES_S3_ENDPOINT: 'https://s3.eu-central-1.amazonaws.com',
        FILES_S3_BUCKET: 'shop-chat-files',
        FILES_S3_REGION: 'eu-central-1',
        FILES_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        FILES_S3_SECRET_ACCESS_KEY: 'a-secret-value',
      },
      [],
    );
    expect(config.s3).toEqual({
      endpoint: 'https://s3.eu-central-1.amazonaws.com',
      bucket: 'shop-chat-files',
      region: 'eu-central-1',
      prefix: '',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'a-secret-value',
    });
  });

  it('names what is missing, and never prints the secret back', () => {
    let message = '';
    try {
      loadConfig({ ...base, FILES_S3_BUCKET: 'Bad_Bucket', FILES_S3_SECRET_ACCESS_KEY: 'do-not-print-me' }, []);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('FILES_S3_BUCKET');
    expect(message).not.toContain('do-not-print-me');
    try {
      loadConfig({ ...base, FILES_S3_BUCKET: 'shop-files', FILES_S3_SECRET_ACCESS_KEY: 'do-not-print-me' }, []);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('FILES_S3_ENDPOINT, FILES_S3_ACCESS_KEY_ID: not set');
    expect(message).not.toContain('do-not-print-me');
  });
});
