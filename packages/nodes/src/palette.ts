/** The one class palette lives in the protocol (the editor uses it too); re-exported for the node package. */
export * from '@sentiflow/protocol/palette.ts';
