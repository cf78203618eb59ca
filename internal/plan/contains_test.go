package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFieldsContaining(t *testing.T) {
	t.Parallel()
	const tok = "tok-123456"
	p := &Plan{Changes: []Change{
		{Kind: KindApplication, Key: "a", Action: Create, Fields: []FieldChange{
			{Field: "name", After: "A"},
			{Field: "meta_launch_url", After: "https://x.example.com/" + tok},
		}},
		{Kind: KindGroup, Key: "g", Action: Update, Fields: []FieldChange{
			{Field: "attributes", Before: map[string]any{}, After: map[string]any{"nested": []any{"x", map[string]any{"k": "pre" + tok}}}},
		}},
		{Kind: KindProvider, Key: "p", Action: Update, Fields: []FieldChange{
			{Field: "redirect_uris", After: []string{"https://ok.example.com"}},
			{Field: "client_secret", Before: tok, After: "other"}, // the old value is not written
		}},
		{Kind: KindGroup, Key: "gone", Action: Delete, Fields: []FieldChange{{Field: "name", After: tok}}},
	}}
	assert.Equal(t, []string{`application "a": meta_launch_url`, `group "g": attributes`}, p.FieldsContaining(tok))
	assert.Empty(t, p.FieldsContaining(""))
	assert.Empty(t, p.FieldsContaining("absent-value"))
}

// An object field is shown as JSON text, where encoding/json escapes
// <, >, & and quotes: the value is found in its escaped form too.
func TestFieldsContainingEscapedInJSONText(t *testing.T) {
	t.Parallel()
	const tok = `tok<&>"1`
	p := &Plan{Changes: []Change{
		{Kind: KindGroup, Key: "g", Action: Update, Fields: []FieldChange{
			{Field: "attributes.cfg", Before: nil, After: displayJSON(map[string]any{"k": "pre" + tok}, true)},
		}},
	}}
	assert.Equal(t, []string{`group "g": attributes.cfg`}, p.FieldsContaining(tok))
}
