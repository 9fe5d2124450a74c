/** The line that stands where older output was dropped. */
export declare const TRIM_MARKER: Buffer

/** A size-capped append-only log on a file descriptor opened `a+`. */
export declare function cappedLog(fd: number, maxBytes: number): { write(chunk: Buffer): void }
