// Declarations that add the viewer-independent plugin's field option to Pothos.
import type { FieldNullability, InputFieldMap, SchemaTypes, TypeParam } from '@pothos/core';
import type { PothosViewerIndependentPlugin } from './index.js';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      viewerIndependent: PothosViewerIndependentPlugin<Types>;
    }

    export interface FieldOptions<
      Types extends SchemaTypes = SchemaTypes,
      ParentShape = unknown,
      Type extends TypeParam<Types> = TypeParam<Types>,
      Nullable extends FieldNullability<Type> = FieldNullability<Type>,
      Args extends InputFieldMap = InputFieldMap,
      ResolveShape = unknown,
      ResolveReturnShape = unknown,
    > {
      /**
       * True when the field's value depends only on its parent and arguments, never on who
       * asks (no viewer, token, address or limit in it): then one subscription event's
       * result may be shared by every subscriber. `t.expose*` fields are independent unless
       * set to false; any other field is viewer-dependent unless set to true.
       */
      viewerIndependent?: boolean;
      /**
       * True for a scalar field whose value is each viewer's own (`reactedByMe`), while the rest
       * of the result is the same for everyone: a subscription event's result is still shared,
       * and only this field is computed again for each subscriber. Its resolver must read the
       * viewer from the context it is given, nothing else of a subscriber's.
       */
      viewerLeaf?: boolean;
    }
  }
}
