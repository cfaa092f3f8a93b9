// Package toolargs builds arguments for an MCP tool call from the tool's inputSchema, and
// validates arguments against it.
//
// MCP (server/tools, "Tool"): "inputSchema: JSON Schema defining expected parameters". Every
// real MCP SDK validates a tools/call's arguments against that schema before the tool runs,
// so a call with `{}` to a tool with required arguments is refused with an input-validation
// error long before authorization is considered. The conformance checks that call tools
// (scope enforcement, RS-51…RS-54) therefore need arguments the server accepts: Generate
// builds them.
//
// # What Generate builds
//
// Generate fills the required properties only, plus what a schema rule forces
// (dependentRequired, minProperties): minimal arguments mean fewer side effects on a real
// server. Values are recognisably synthetic (mcp-conform@example.invalid,
// https://example.invalid/mcp-conform, "mcp-conform" padded or cut to the length bounds,
// 192.0.2.1, 2001:db8::1), and deterministic: the same schema gives the same bytes. It
// honours const, enum, default and examples (in that order), type (including type arrays and
// "null"), string formats, length bounds, numeric bounds (draft-04 boolean and draft-06+
// numeric exclusive bounds), multipleOf, pattern (simple regular expressions are expanded
// into a matching string), nested objects, arrays (minItems, maxItems, items, prefixItems,
// uniqueItems, contains), anyOf/oneOf/allOf, not (best effort), local $ref through $defs and
// definitions (cycles bounded), additionalProperties, propertyNames and dependentRequired.
// A schema it cannot satisfy yields an error wrapping ErrUnsatisfiable that names the
// property path and the keyword.
//
// # Why validation goes through github.com/google/jsonschema-go
//
// Generate never returns arguments the schema rejects: it validates them with
// github.com/google/jsonschema-go, and Validate is that same validation. That library is
// the one the official Go MCP SDK (github.com/modelcontextprotocol/go-sdk) uses to infer and
// to validate tool input schemas, so "valid" here means what it means to a go-sdk server; it
// implements draft-07 and 2020-12 in full ($ref resolution, the applicators, the
// annotation-dependent keywords unevaluatedProperties/unevaluatedItems) and is tested
// against the JSON Schema Test Suite. A hand-written validator would be a second, drifting
// reading of the specification, which is exactly the kind of copy this project avoids.
//
// Before the library sees a schema, this package normalises what real servers send and the
// library rejects: draft-04's boolean exclusiveMinimum/exclusiveMaximum become the
// draft-06+ numeric form, a draft-04/06 $schema is read as draft-07 and a 2019-09 one as
// 2020-12, and \uXXXX escapes in patterns (ECMA-262) become Go's \x{XXXX}. A pattern Go's
// regexp cannot compile (look-around, back-references) cannot be checked; Validate leaves
// it out and Generate reports it as unsatisfiable unless an enum, const or format decides
// the value. Like the library, this package treats "format" as an annotation when
// validating; Generate still produces a value of the named format.
//
// # Bounds
//
// A schema is untrusted input from the server under test. Both functions bound the schema
// size (MaxSchemaBytes), its nesting, the $ref expansions, the size of what is generated and
// the validations run, reject $ref cycles that never consume part of the instance (they
// would recurse forever in any validator), and never panic.
package toolargs
