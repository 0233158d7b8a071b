/**
 * Types zod's `.meta({...})` with our presentation fields (unit, widget, names, showWhen), so a typo in a node's
 * declaration fails the typecheck. The fields themselves are defined once, in @sentiflow/protocol.
 */
import type { ParamMeta } from '@sentiflow/protocol/presentation.ts';

declare module 'zod/v4/core' {
  interface GlobalMeta {
    unit?: ParamMeta['unit'];
    widget?: ParamMeta['widget'];
    names?: ParamMeta['names'];
    showWhen?: ParamMeta['showWhen'];
  }
}

export type { NodeCategory, ParamMeta, PreviewSpec, SocketPresentation } from '@sentiflow/protocol/presentation.ts';
