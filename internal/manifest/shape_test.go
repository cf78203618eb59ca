package manifest

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// goTerms matches what only a Go programmer would read in a message: a
// package-qualified type, a slice or map type, a YAML tag, the decoder's
// own verb, Go's basic type names.
var goTerms = regexp.MustCompile(`manifest\.[A-Z]|\[\][a-z*]|map\[|!!|unmarshal|\b(int|int64|bool|string|float64|interface)\b|\*[A-Z]`)

// TestShapeErrorsWalk puts a value of every wrong shape at every field path
// of the manifest (every section, every nested field, list item and named
// entry) and checks that each is reported, at the line of the wrong value,
// in manifest terms: no Go type in any message.
func TestShapeErrorsWalk(t *testing.T) {
	paths := fieldPaths(reflect.TypeOf(Manifest{}), nil, 0)
	require.Greater(t, len(paths), 80, "the walk reaches every field")
	wrong := map[string]*yaml.Node{
		"plain":   {Kind: yaml.ScalarNode, Value: "WRONGSHAPE"},
		"list":    {Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "WRONGSHAPE"}}},
		"mapping": {Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "WRONGSHAPE"}, {Kind: yaml.ScalarNode, Value: "x"}}},
	}
	walked := 0
	for _, p := range paths {
		for gotName, got := range wrong {
			if fits(p.leaf, got) {
				continue
			}
			walked++
			name := p.String() + "=" + gotName
			data := render(t, p, got)
			_, ds := Parse("x.yaml", data, env(nil))
			require.NotEmpty(t, ds, "%s: no error for\n%s", name, data)
			line := markerLine(data)
			atLine := false
			for _, d := range ds {
				assert.NotRegexp(t, goTerms, d.Msg, "%s: a Go term in %q", name, d.Msg)
				atLine = atLine || d.Pos.Line == line
			}
			assert.True(t, atLine, "%s: no error at line %d of\n%s\ngot %v", name, line, data, ds)
		}
	}
	t.Logf("%d field paths, %d wrong shapes reported", len(paths), walked)
}

// fits reports whether a value of node's kind is a valid shape for t.
func fits(t reflect.Type, n *yaml.Node) bool {
	switch shapeOf(t) {
	case ShapeAny:
		return true
	case ShapeText:
		return n.Kind == yaml.ScalarNode
	case ShapeList:
		return n.Kind == yaml.SequenceNode
	case ShapeMapping:
		return n.Kind == yaml.MappingNode
	}
	return false // a plain WRONGSHAPE is no bool or number either
}

// fieldPath is one way down the manifest's types: a step is a key, "[]"
// (a list item) or "*" (an entry of a mapping of names).
type fieldPath struct {
	steps []string
	leaf  reflect.Type
}

func (p fieldPath) String() string { return strings.Join(p.steps, ".") }

func fieldPaths(t reflect.Type, prefix []string, depth int) []fieldPath {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []fieldPath
	step := func(s string, ft reflect.Type) {
		steps := append(append([]string{}, prefix...), s)
		out = append(out, fieldPath{steps: steps, leaf: ft})
		if depth < 6 {
			out = append(out, fieldPaths(ft, steps, depth+1)...)
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		for _, k := range YAMLKeys(t) {
			step(k.Key, k.Field.Type)
		}
		if m := inlineMap(t); m != nil {
			step("custom_option", m.Elem())
		}
	case reflect.Slice:
		// A list's wrong shape is the list itself (its items are walked).
		if e := t.Elem(); shapeOf(e) == ShapeMapping || shapeOf(e) == ShapeList {
			out = append(out, fieldPaths(e, append(append([]string{}, prefix...), "[]"), depth+1)...)
		} else {
			step("[]", e)
		}
	case reflect.Map:
		step("*", t.Elem())
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// render writes a version 1 manifest with got at the end of path p.
func render(t *testing.T, p fieldPath, got *yaml.Node) []byte {
	t.Helper()
	leaf := got
	for i := len(p.steps) - 1; i >= 0; i-- {
		switch s := p.steps[i]; s {
		case "[]":
			leaf = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{leaf}}
		case "*":
			leaf = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "entry"}, leaf}}
		default:
			leaf = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: s}, leaf}}
		}
	}
	if p.steps[0] != "version" {
		leaf.Content = append([]*yaml.Node{{Kind: yaml.ScalarNode, Value: "version"}, {Kind: yaml.ScalarNode, Value: "1"}}, leaf.Content...)
	}
	data, err := yaml.Marshal(leaf)
	require.NoError(t, err)
	return data
}

func markerLine(data []byte) int {
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, "WRONGSHAPE") {
			return i + 1
		}
	}
	return 0
}

// TestShapeErrorsTheNewcomerHit are the mistakes of issue 32: each was a
// Go type at column 1; each is now the field, what it takes and the fix,
// at the value.
func TestShapeErrorsTheNewcomerHit(t *testing.T) {
	cases := map[string]struct {
		yaml string
		want []string
	}{
		"a redirect URI as a plain value": {
			yaml: "version: 1\nproviders:\n  - name: X\n    type: oauth2\n    redirect_uris: [https://x.example.com/cb]\n",
			want: []string{`x.yaml:5:21: redirect_uris: each item is {url: …, matching_mode: strict|regex}, not "https://x.example.com/cb"; write: - url: https://x.example.com/cb`},
		},
		"groups as a plain value": {
			yaml: "version: 1\napplications:\n  - name: X\n    slug: x\n    access:\n      groups: A\n",
			want: []string{`x.yaml:6:15: groups: a list of group names, not "A"; write: groups: [A]`},
		},
		"output settings indented as output names": {
			yaml: "version: 1\napplications:\n  - name: X\n    slug: x\n    outputs:\n      oidc:\n      url: https://x\n      file: x.env\n",
			want: []string{
				`x.yaml:7:7: outputs: "url" is a setting of an entry, not a name of one; indent it under "oidc:" (line 6)`,
				`x.yaml:8:7: outputs: "file" is a setting of an entry, not a name of one; indent it under "oidc:" (line 6)`,
			},
		},
		"groups beside access instead of under it": {
			yaml: "version: 1\napplications:\n  - name: X\n    slug: x\n    access:\n    groups: [A]\n",
			want: []string{`x.yaml:6:5: unknown field "groups" in applications; "groups" is a field of access: indent it under "access:" (line 5)`},
		},
		"groups with no access at all": {
			yaml: "version: 1\napplications:\n  - name: X\n    slug: x\n    groups: [A]\n",
			want: []string{`x.yaml:5:5: unknown field "groups" in applications; "groups" is a field of access: write it indented under "access:"`},
		},
		"a bool that is not one": {
			yaml: "version: 1\ngroups:\n  - name: a\n    is_superuser: maybe\n",
			want: []string{`x.yaml:4:19: is_superuser: expected true or false, not "maybe"`},
		},
		"an output that is a plain value": {
			yaml: "version: 1\napplications:\n  - name: X\n    slug: x\n    outputs:\n      oidc: x.env\n",
			want: []string{`x.yaml:6:13: oidc: each output is a name with its settings indented under it`},
		},
		"a sensitive value is not shown": {
			yaml: "version: 1\nvariables: {S: {sensitive: true}}\ngroups:\n  - name: a\n    is_superuser: ${S}\n",
			want: []string{`x.yaml:5:19: is_superuser: expected true or false, not (sensitive)`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, ds := Parse("x.yaml", []byte(tc.yaml), env(map[string]string{"S": "hunter2"}))
			got := ds.err().Error()
			require.Len(t, ds, len(tc.want), "diagnostics: %v", got)
			for _, w := range tc.want {
				assert.Contains(t, got, w)
			}
			assert.NotRegexp(t, goTerms, got)
			assert.NotContains(t, got, "hunter2")
		})
	}
}

func TestRegisterShapeHint(t *testing.T) {
	RegisterShapeHint("flows[].test_only", ShapeHint{Want: "a flow slug"})
	defer delete(shapeHints, "flows[].test_only")
	n := &yaml.Node{Kind: yaml.SequenceNode}
	assert.Equal(t, "test_only: a flow slug, not a list", ShapeMessage("flows[].test_only", "test_only", ShapeText, n, false))
	assert.Panics(t, func() { RegisterShapeHint("flows[].test_only", ShapeHint{}) })
	assert.Equal(t, `x: expected a whole number, not "y"`, ShapeMessage("nowhere", "x", ShapeInt, &yaml.Node{Kind: yaml.ScalarNode, Value: "y"}, false))
	_ = fmt.Sprint()
}
