// The viewer-independent Pothos plugin: `viewerIndependent: true` declares that a field's
// value is the same for every viewer, `viewerLeaf: true` that a scalar's is each viewer's own.
// It marks the fields (extensions VIEWER_INDEPENDENT, VIEWER_LEAF) and has viewer leaves
// record themselves in a collecting execution (./viewer-leaves.ts); ./selection.ts decides
// from the marks how a whole selection may be shared.
import './global-types.js';
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { VIEWER_INDEPENDENT, VIEWER_LEAF } from './selection.js';
import { recordViewerLeaf } from './viewer-leaves.js';

export { isViewerIndependentSelection, selectionSharing, type SelectionSharing, VIEWER_INDEPENDENT, VIEWER_LEAF } from './selection.js';
export { collectingContext, withViewerLeaves, type ViewerLeaf } from './viewer-leaves.js';

const pluginName = 'viewerIndependent';

export default pluginName;

export class PothosViewerIndependentPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    // An exposed field reads one property of its parent: nothing of the viewer's.
    const exposed = fieldConfig.extensions?.pothosExposedField !== undefined;
    if (fieldConfig.pothosOptions.viewerLeaf) return { ...fieldConfig, extensions: { ...fieldConfig.extensions, [VIEWER_LEAF]: true } };
    if (!(fieldConfig.pothosOptions.viewerIndependent ?? exposed)) return fieldConfig;
    return { ...fieldConfig, extensions: { ...fieldConfig.extensions, [VIEWER_INDEPENDENT]: true } };
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (!fieldConfig.pothosOptions.viewerLeaf) return resolver;
    return (parent, args, context, info) => {
      recordViewerLeaf(context, info, (own) => resolver(parent, args, own as Types['Context'], info));
      return resolver(parent, args, context, info);
    };
  }
}

SchemaBuilder.registerPlugin(pluginName, PothosViewerIndependentPlugin);
