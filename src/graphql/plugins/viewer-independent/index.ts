// The viewer-independent Pothos plugin: `viewerIndependent: true` declares that a field's
// value is the same for every viewer. It only marks the field (extension VIEWER_INDEPENDENT);
// ./selection.ts decides from the marks whether a whole selection may be shared.
import './global-types.js';
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { VIEWER_INDEPENDENT } from './selection.js';

export { isViewerIndependentSelection, VIEWER_INDEPENDENT } from './selection.js';

const pluginName = 'viewerIndependent';

export default pluginName;

export class PothosViewerIndependentPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    // An exposed field reads one property of its parent: nothing of the viewer's.
    const exposed = fieldConfig.extensions?.pothosExposedField !== undefined;
    if (!(fieldConfig.pothosOptions.viewerIndependent ?? exposed)) return fieldConfig;
    return { ...fieldConfig, extensions: { ...fieldConfig.extensions, [VIEWER_INDEPENDENT]: true } };
  }
}

SchemaBuilder.registerPlugin(pluginName, PothosViewerIndependentPlugin);
