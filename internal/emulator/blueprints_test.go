package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Blueprint instances as authentik/blueprints/api.py serves them: the
// record and lock provision keeps in disabled instances.
func TestBlueprintInstances(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const col = "/api/v3/managed/blueprints/"
	body := `{"name":"provision-stack-a","enabled":false,"content":"version: 1\nentries: []\n","context":{"format":1,"objects":[{"kind":"group","key":"g"}]}}`
	st, m := e.rawJSON(http.MethodPost, col, body)
	require.Equal(t, http.StatusCreated, st, m)
	pk := m["pk"].(string)
	assert.Equal(t, false, m["enabled"])
	assert.Equal(t, "unknown", m["status"])
	assert.Equal(t, "", m["last_applied_hash"])
	assert.Equal(t, "", m["path"])
	assert.Equal(t, map[string]any{"format": float64(1), "objects": []any{map[string]any{"kind": "group", "key": "g"}}}, m["context"])

	for _, tc := range []struct {
		name, method, path, body string
		want                     map[string]any
	}{
		{"name taken (the lock's atomicity)", http.MethodPost, col, body,
			map[string]any{"name": []any{"Blueprint Instance with this name already exists."}}},
		{"neither path nor content", http.MethodPost, col, `{"name":"b"}`,
			map[string]any{"non_field_errors": []any{"Either path or content must be set."}}},
		{"PATCH of context alone", http.MethodPatch, col + pk + "/", `{"context":{}}`,
			map[string]any{"non_field_errors": []any{"Either path or content must be set."}}},
		{"unknown file", http.MethodPost, col, `{"name":"b","path":"mine.yaml"}`,
			map[string]any{"path": []any{"Blueprint file does not exist"}}},
		{"bad version", http.MethodPost, col, `{"name":"b","content":"version: 2\n"}`,
			map[string]any{"content": []any{"Failed to validate blueprint", "- Invalid blueprint version"}}},
		{"null context", http.MethodPost, col, `{"name":"b","content":"version: 1\n","context":null}`,
			map[string]any{"context": []any{"This field may not be null."}}},
		// context is a JSONDictField (authentik's ModelSerializer maps every
		// models.JSONField to it, core/api/utils.py).
		{"list context", http.MethodPost, col, `{"name":"b","content":"version: 1\n","context":[1]}`,
			map[string]any{"context": []any{"Value must be a dictionary, and not have any duplicate keys."}}},
		{"string context", http.MethodPost, col, `{"name":"b","content":"version: 1\n","context":"x"}`,
			map[string]any{"context": []any{"Value must be a dictionary, and not have any duplicate keys."}}},
		{"number context", http.MethodPatch, col + pk + "/", `{"content":"version: 1\n","context":3}`,
			map[string]any{"context": []any{"Value must be a dictionary, and not have any duplicate keys."}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, m := e.rawJSON(tc.method, tc.path, tc.body)
			assert.Equal(t, 400, st)
			assert.Equal(t, tc.want, m)
		})
	}

	st, m = e.rawJSON(http.MethodPatch, col+pk+"/", `{"context":{"format":1,"objects":[]},"content":"version: 1\nentries: []\n"}`)
	require.Equal(t, http.StatusOK, st, m)
	assert.Equal(t, map[string]any{"format": float64(1), "objects": []any{}}, m["context"])
	st, m = e.rawJSON(http.MethodPost, col, `{"name":"with-file","path":"system/bootstrap.yaml"}`)
	require.Equal(t, http.StatusCreated, st, m)
	assert.Equal(t, true, m["enabled"])

	st, m = e.rawJSON(http.MethodGet, col+"?search=provision-stack-", "")
	require.Equal(t, http.StatusOK, st)
	assert.Len(t, m["results"], 1)
	st, m = e.rawJSON(http.MethodGet, col+"?name=with-file", "")
	require.Equal(t, http.StatusOK, st)
	assert.Len(t, m["results"], 1)
	st, _ = e.raw(http.MethodDelete, col+pk+"/", "")
	assert.Equal(t, http.StatusNoContent, st)
}

// A content Importer.from_string cannot build crashes authentik: YAML
// errors and dacite's type errors (EntryInvalidError) are not DRF
// ValidationErrors, so validate_content ends in a 500
// (authentik/blueprints/api.py, v1/importer.py, v1/common.py). Only a
// version other than 1 is a 400 before the entries are applied.
func TestBlueprintContentCrashesLikeTheImporter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const col = "/api/v3/managed/blueprints/"
	for i, tc := range []struct {
		content string
		status  int
	}{
		{"version: 1\nentries: []\n", 201},
		{"entries: {}\n", 201},
		{"version: 1\nentries:\n- model: authentik_core.group\n  state: present\n  identifiers: {name: x}\n", 201},
		{"entries:\n- model: !Find [a, b]\n  attrs: {parent: !KeyOf x}\n", 201},
		{"hello", 201},           // "version" in "hello" is False: every field defaults
		{"version: true\n", 201}, // isinstance(True, int) and True == 1
		{"metadata: {name: m, labels: {a: b}}\n", 201},
		{"version: 2\n", 400},
		{"version: [1\n", 500},    // YAMLError
		{"~\n", 500},              // load() is None
		{"42\n", 500},             // "in" on an int
		{"version\n", 500},        // data["version"] on a str
		{"version: \"1\"\n", 500}, // WrongTypeError
		{"version: 1.0\n", 500},
		{"version: 2\nentries: [1]\n", 500}, // the types fail before the version is checked
		{"entries: [{state: present}]\n", 500},
		{"entries: [{model: m, state: gone}]\n", 500},
		{"entries: [{model: m, attrs: [1]}]\n", 500},
		{"context: []\n", 500},
		{"metadata: {labels: {}}\n", 500},
		{"entries: !Nope x\n", 500}, // ConstructorError
	} {
		body, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("b%d", i), "content": tc.content})
		st, _ := e.raw(http.MethodPost, col, string(body))
		assert.Equal(t, tc.status, st, "%q", tc.content)
	}
}

// path has the serializer default "" (unique_together with name, a model
// default: DRF's get_uniqueness_extra_kwargs), so a PUT without it clears
// the path; content alone then satisfies validate(). A PATCH keeps it.
func TestBlueprintPutWithoutPathClearsIt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const col = "/api/v3/managed/blueprints/"
	st, m := e.rawJSON(http.MethodPost, col, `{"name":"f","path":"system/bootstrap.yaml"}`)
	require.Equal(t, http.StatusCreated, st, m)
	pk := m["pk"].(string)
	st, m = e.rawJSON(http.MethodPatch, col+pk+"/", `{"path":"system/bootstrap.yaml","enabled":false}`)
	require.Equal(t, http.StatusOK, st, m)
	assert.Equal(t, "system/bootstrap.yaml", m["path"])
	st, m = e.rawJSON(http.MethodPut, col+pk+"/", `{"name":"f"}`)
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"non_field_errors": []any{"Either path or content must be set."}}, m)
	st, m = e.rawJSON(http.MethodPut, col+pk+"/", `{"name":"f","content":"version: 1\n"}`)
	require.Equal(t, http.StatusOK, st, m)
	assert.Equal(t, "", m["path"])
}
