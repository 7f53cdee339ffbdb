/**
 * Type declarations for Buffer's latin1Slice/latin1Write. Node has shipped these encoding-
 * specific methods since its first releases (Buffer#toString and #write dispatch to them) but
 * @types/node does not declare them. They skip toString's argument normalization, which is
 * measurable on the hot path where every key and value crosses between bytes and latin1.
 */
export {};

declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    latin1Write(str: string, offset: number, length?: number): number;
  }
}
