// Declarations that add the rate-limit plugin's options to Pothos's builder and field options.
import type { FieldNullability, InputFieldMap, InputShapeFromFields, SchemaTypes, TypeParam } from '@pothos/core';
import type { PothosRateLimitPlugin } from './index.js';
import type { FieldRateLimit, RateLimitPluginOptions } from './types.js';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      rateLimit: PothosRateLimitPlugin<Types>;
    }

    export interface SchemaBuilderOptions<Types extends SchemaTypes> {
      rateLimit?: RateLimitPluginOptions<Types['Context']>;
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
      /** Limits how often one caller may run this field (for subscriptions: start it). */
      rateLimit?: FieldRateLimit<Types['Context'], InputShapeFromFields<Args>>;
    }
  }
}
