/**
 * The bounds of the queue of events waiting for `push listen --exec` (here, apart from the listener,
 * so that the command's help can state them without loading the listener).
 */

/** Events waiting for `--exec` (besides the one running), by default. */
export const PUSH_QUEUE_EVENTS = 100;
/** Bytes of event JSON waiting for `--exec`, at most: 400 large events cannot fill memory. */
export const PUSH_QUEUE_BYTES = 8 * 1024 * 1024;
