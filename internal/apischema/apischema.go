// Package apischema holds facts about authentik's API taken from the
// schema.yml that ships with goauthentik.io/api/v3 (the same document the
// generated client and the emulator's contract check are built from): the
// writable fields of every request body, with their JSON type, format,
// enum values, nullability and whether a create requires them.
//
// It is a leaf: it imports nothing of provision's, so both the kind
// descriptors (internal/kinds) and the emulator may use it. The table is
// generated (zz_generated.go, by `go generate ./internal/apischema`); a
// test fails when it no longer matches schema.yml.
package apischema

//go:generate go run ./gen -o zz_generated.go

// Field is one property of a request body.
type Field struct {
	Name string
	// Type is the JSON Schema type: string, boolean, integer, number,
	// array or object ("" for a free-form value).
	Type string
	// Format is the string format (uuid, uri, date-time, binary...).
	Format string
	// Enum are the allowed values of a string (or of each item).
	Enum []string
	// Item is the type and format of an array's items.
	ItemType, ItemFormat string
	Nullable             bool
	// Required is true when a create (POST) must send the field.
	Required  bool
	WriteOnly bool
	MinLength int
	// Description is the schema's description, one line.
	Description string
}

// Component is a request body schema.
type Component struct {
	Name   string
	Fields []Field
}

// Lookup returns the component by schema name (e.g. "FlowRequest").
func Lookup(name string) (Component, bool) {
	c, ok := components[name]
	return c, ok
}

// Field returns the component's field by name.
func (c Component) Field(name string) (Field, bool) {
	for _, f := range c.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}
