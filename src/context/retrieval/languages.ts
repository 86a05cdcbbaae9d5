import path from 'node:path';

/** What the parser needs to know about one language: its grammar and how to read definitions and references. */
export interface LanguageSpec {
  id: string;
  /** File name of the grammar inside @vscode/tree-sitter-wasm/wasm. */
  wasm: string;
  /**
   * Tree-sitter query: each definition pattern captures the whole node as
   * `@definition.<kind>` and its name as `@name`.
   */
  definitions: string;
  /** Node types whose text is an identifier use (a reference candidate). */
  identifierTypes: string[];
  /** Ancestors that turn a function definition into a method (Python classes, Rust impls). */
  methodContainers: string[];
}

/**
 * CommonJS and prototype-era JavaScript defines most functions by assignment
 * (`res.send = function send()`, `exports.parse = …`, `X.prototype.y = …`,
 * `{ redirect: function () {} }`); without these patterns express's 122
 * response and request methods yield two definitions. Shared by JS and TS.
 */
const assignedDefinitions = `
(expression_statement (assignment_expression
  left: (member_expression object: (identifier) @_exports property: (property_identifier) @name)
  right: [(function_expression) (arrow_function) (generator_function)]) @definition.function
  (#eq? @_exports "exports"))
(expression_statement (assignment_expression
  left: (member_expression
    object: (member_expression object: (identifier) @_module property: (property_identifier) @_exports)
    property: (property_identifier) @name)
  right: [(function_expression) (arrow_function) (generator_function)]) @definition.function
  (#eq? @_module "module") (#eq? @_exports "exports"))
(assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(function_expression) (arrow_function) (generator_function)]) @definition.method
(assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: (class)) @definition.class
(expression_statement (assignment_expression
  left: (member_expression object: (identifier) @_exports property: (property_identifier) @name)
  right: (_) @_value) @definition.constant
  (#eq? @_exports "exports") (#not-match? @_value "^require[(]"))
(expression_statement (assignment_expression
  left: (member_expression
    object: (member_expression object: (identifier) @_module property: (property_identifier) @_exports)
    property: (property_identifier) @name)
  right: (_) @_value) @definition.constant
  (#eq? @_module "module") (#eq? @_exports "exports") (#not-match? @_value "^require[(]"))
(expression_statement (assignment_expression
  left: (member_expression
    object: (member_expression property: (property_identifier) @_prototype)
    property: (property_identifier) @name)) @definition.method
  (#eq? @_prototype "prototype"))
(pair key: (property_identifier) @name value: [(function_expression) (arrow_function) (generator_function)]) @definition.method
`;

const typescriptDefinitions = `
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(method_definition name: (property_identifier) @name) @definition.method
(public_field_definition name: (property_identifier) @name value: [(arrow_function) (function_expression)]) @definition.method
(abstract_method_signature name: (property_identifier) @name) @definition.method
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @definition.function
(program (lexical_declaration (variable_declarator name: (identifier) @name value: (_) @_value)) @definition.constant (#not-match? @_value "^require[(]"))
(program (export_statement (lexical_declaration (variable_declarator name: (identifier) @name value: (_) @_value)) @definition.constant) (#not-match? @_value "^require[(]"))
(internal_module name: (identifier) @name) @definition.module
${assignedDefinitions}`;

const javascriptDefinitions = `
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (identifier) @name) @definition.class
(method_definition name: (property_identifier) @name) @definition.method
(field_definition property: (property_identifier) @name value: [(arrow_function) (function_expression)]) @definition.method
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @definition.function
(program (lexical_declaration (variable_declarator name: (identifier) @name value: (_) @_value)) @definition.constant (#not-match? @_value "^require[(]"))
(program (export_statement (lexical_declaration (variable_declarator name: (identifier) @name value: (_) @_value)) @definition.constant) (#not-match? @_value "^require[(]"))
(program (variable_declaration (variable_declarator name: (identifier) @name value: (_) @_value)) @definition.constant (#not-match? @_value "^require[(]"))
${assignedDefinitions}`;

const typescript: Omit<LanguageSpec, 'id' | 'wasm'> = {
  definitions: typescriptDefinitions,
  identifierTypes: ['identifier', 'type_identifier', 'property_identifier', 'shorthand_property_identifier'],
  methodContainers: [],
};

const specs: LanguageSpec[] = [
  { id: 'typescript', wasm: 'tree-sitter-typescript.wasm', ...typescript },
  { id: 'tsx', wasm: 'tree-sitter-tsx.wasm', ...typescript },
  {
    id: 'javascript',
    wasm: 'tree-sitter-javascript.wasm',
    definitions: javascriptDefinitions,
    identifierTypes: ['identifier', 'property_identifier', 'shorthand_property_identifier'],
    methodContainers: [],
  },
  {
    id: 'python',
    wasm: 'tree-sitter-python.wasm',
    definitions: `
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
(decorated_definition definition: (class_definition name: (identifier) @name)) @definition.class
(decorated_definition definition: (function_definition name: (identifier) @name)) @definition.function
(module (expression_statement (assignment left: (identifier) @name)) @definition.constant)
`,
    identifierTypes: ['identifier'],
    methodContainers: ['class_definition'],
  },
  {
    id: 'go',
    wasm: 'tree-sitter-go.wasm',
    definitions: `
(function_declaration name: (identifier) @name) @definition.function
(method_declaration name: (field_identifier) @name) @definition.method
(method_elem name: (field_identifier) @name) @definition.method
(type_alias name: (type_identifier) @name) @definition.type
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name type: [(type_identifier) (qualified_type) (function_type) (map_type) (slice_type) (pointer_type) (generic_type)]) @definition.type
(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.constant))
`,
    identifierTypes: ['identifier', 'type_identifier', 'field_identifier'],
    methodContainers: [],
  },
  {
    id: 'rust',
    wasm: 'tree-sitter-rust.wasm',
    definitions: `
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(union_item name: (type_identifier) @name) @definition.struct
(trait_item name: (type_identifier) @name) @definition.interface
(type_item name: (type_identifier) @name) @definition.type
(mod_item name: (identifier) @name) @definition.module
(macro_definition name: (identifier) @name) @definition.macro
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.constant
`,
    identifierTypes: ['identifier', 'type_identifier', 'field_identifier'],
    methodContainers: ['impl_item', 'trait_item'],
  },
  {
    id: 'java',
    wasm: 'tree-sitter-java.wasm',
    definitions: `
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(annotation_type_declaration name: (identifier) @name) @definition.interface
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method
(field_declaration declarator: (variable_declarator name: (identifier) @name value: (lambda_expression))) @definition.method
`,
    identifierTypes: ['identifier', 'type_identifier'],
    methodContainers: [],
  },
];

const byId = new Map(specs.map((spec) => [spec.id, spec]));

const byExtension = new Map<string, string>([
  ['.ts', 'typescript'],
  ['.mts', 'typescript'],
  ['.cts', 'typescript'],
  ['.tsx', 'tsx'],
  ['.js', 'javascript'],
  ['.mjs', 'javascript'],
  ['.cjs', 'javascript'],
  ['.jsx', 'javascript'],
  ['.py', 'python'],
  ['.pyi', 'python'],
  ['.go', 'go'],
  ['.rs', 'rust'],
  ['.java', 'java'],
]);

/** The language of a file by its extension, or undefined when no grammar is bundled for it. */
export function languageOf(filePath: string): LanguageSpec | undefined {
  const id = byExtension.get(path.extname(filePath).toLowerCase());
  return id === undefined ? undefined : byId.get(id);
}
