package manifest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/provision/provision/internal/emulator/contract"
)

// Each enum field the offline checks know accepts exactly the values
// authentik's schema.yml lists for its request field, in its order: the
// values come from there (internal/apischema), not from a copy.
func TestEnumValuesAreSchemaYMLs(t *testing.T) {
	path, err := contract.SchemaPath()
	require.NoError(t, err)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc struct {
		Components struct {
			Schemas map[string]*yamlSchema `yaml:"schemas"`
		} `yaml:"components"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	schemas := doc.Components.Schemas
	got := EnumValues()
	require.Len(t, got, len(enumSources))
	for name, src := range enumSources {
		field := name
		if name == "outpost type" {
			field = "type"
		}
		assert.Equal(t, field, src.Field, "%s is read from a field of another name", name)
		s := schemas[src.Schema]
		require.NotNil(t, s, "%s: schema.yml has no %s", name, src.Schema)
		prop := s.Properties[src.Field]
		require.NotNil(t, prop, "%s: %s has no field %s", name, src.Schema, src.Field)
		want := prop.enum(schemas)
		require.NotEmpty(t, want, "%s: %s.%s is not an enum", name, src.Schema, src.Field)
		assert.Equal(t, want, got[name], "allowed values of %s", name)
	}
}

// Every field checkEnum is called with has a source: a field without one
// would accept nothing.
func TestEveryCheckedEnumFieldHasASource(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var checked []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "checkEnum" && len(call.Args) > 1 {
				lit, ok := call.Args[1].(*ast.BasicLit)
				require.True(t, ok, "%s: checkEnum's field is a literal", fset.Position(call.Pos()))
				field, err := strconv.Unquote(lit.Value)
				require.NoError(t, err)
				checked = append(checked, field)
			}
			return true
		})
	}
	require.NotEmpty(t, checked)
	for _, field := range checked {
		_, ok := enumSources[field]
		assert.True(t, ok, "checkEnum(%q) has no entry in enumSources", field)
	}
	for field := range enumSources {
		if field != "matching_mode" { // checked in validateRedirectURIs' switch
			assert.True(t, slices.Contains(checked, field), "enumSources names %q, which nothing checks", field)
		}
	}
}

// yamlSchema is the part of a schema.yml schema an enum is read from.
type yamlSchema struct {
	Ref        string                 `yaml:"$ref"`
	Enum       []any                  `yaml:"enum"`
	AllOf      []*yamlSchema          `yaml:"allOf"`
	OneOf      []*yamlSchema          `yaml:"oneOf"`
	Properties map[string]*yamlSchema `yaml:"properties"`
}

// enum is the schema's enum values, through $ref, allOf and oneOf (a
// nullable enum is oneOf the enum and NullEnum, whose value is null).
func (s *yamlSchema) enum(all map[string]*yamlSchema) []string {
	if s.Ref != "" {
		return all[strings.TrimPrefix(s.Ref, "#/components/schemas/")].enum(all)
	}
	var out []string
	for _, v := range s.Enum {
		if str, ok := v.(string); ok {
			out = append(out, str)
		}
	}
	for _, sub := range append(append([]*yamlSchema(nil), s.AllOf...), s.OneOf...) {
		out = append(out, sub.enum(all)...)
	}
	return out
}
