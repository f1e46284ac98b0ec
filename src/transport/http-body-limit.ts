// The HTTP request body limit, applied before yoga reads anything. A declared length is checked
// up front and the body then streams to yoga untouched; a chunked body (no Content-Length) is
// counted while it arrives, cut off the moment it passes the limit, and handed to yoga whole.
import type { IncomingMessage } from 'node:http';

/** Why a body was refused: the status and the message the client gets. */
export interface BodyRefusal {
  readonly status: 413;
  readonly message: string;
}

/**
 * Admits the body of `req` within `limit` bytes: null when it may go on to yoga (a chunked body
 * is then read and left on `req.body`, where yoga's node adapter takes it instead of the stream),
 * or the refusal. A refused chunked body is not read any further.
 */
export function admitBody(req: IncomingMessage, limit: number): BodyRefusal | null | Promise<BodyRefusal | null> {
  const declared = req.headers['content-length'];
  if (declared !== undefined) return Number(declared) > limit ? tooLarge(limit) : null;
  if (req.headers['transfer-encoding'] === undefined) return null;
  return readChunked(req, limit);
}

function readChunked(req: IncomingMessage, limit: number): Promise<BodyRefusal | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        // Stop taking bytes; the refusal goes out with `connection: close`, which ends the rest.
        stopListening();
        req.pause();
        resolve(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stopListening();
      // An empty body stays absent: yoga then reads the ended stream and answers 400.
      if (received > 0) (req as IncomingMessage & { body?: Buffer }).body = Buffer.concat(chunks, received);
      resolve(null);
    };
    const onError = (error: Error) => {
      stopListening();
      reject(error);
    };
    const stopListening = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(limit: number): BodyRefusal {
  return { status: 413, message: `Request body larger than ${limit} bytes.` };
}
