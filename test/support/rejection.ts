// The error a promise rejects with, for asserting on its kind and details.

/** Resolves with what `promise` rejects with; fails the test when it fulfils instead. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
