/** A traceability lot code is 1 to 64 printable characters (GS1's AI 10 takes 20; producers' own codes run longer). */
export const MAX_LOT_CODE_LENGTH = 64;
