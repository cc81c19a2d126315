/**
 * The Standard Schema (https://standardschema.dev) interfaces the simple API accepts: zod 4,
 * Valibot, ArkType and others implement them. Declared here (they are types only) so FlexiAI needs
 * no dependency for them. Structurally the same as `StandardSchemaV1` of `@standard-schema/spec`.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

export interface StandardSchemaProps<Input = unknown, Output = Input> {
  readonly version: 1;
  readonly vendor: string;
  readonly validate: (
    value: unknown,
    options?: { readonly libraryOptions?: Record<string, unknown> | undefined } | undefined,
  ) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  /** Standard JSON Schema (https://standardschema.dev/json-schema), when the library has it. */
  readonly jsonSchema?: StandardJsonSchemaConverter | undefined;
}

export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardSchemaIssue> };

export interface StandardSchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

export interface StandardJsonSchemaConverter {
  readonly input: (options: { readonly target: string }) => Record<string, unknown>;
  readonly output: (options: { readonly target: string }) => Record<string, unknown>;
}

/** Any Standard Schema. */
export type AnySchema = StandardSchemaV1<unknown, unknown>;

/** The validated value a schema gives. */
export type InferOutput<S extends AnySchema> = NonNullable<S['~standard']['types']>['output'];

/** True for a value that carries a Standard Schema `~standard` property. */
export const isStandardSchema = (value: unknown): value is AnySchema => {
  const props = (value as { '~standard'?: { validate?: unknown } } | null | undefined)?.[
    '~standard'
  ];
  return typeof props === 'object' && props !== null && typeof props.validate === 'function';
};
