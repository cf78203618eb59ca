package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRemerge(t *testing.T) {
	t.Parallel()
	m := newObjectMerge(map[string]any{}, map[string]any{"a": 1, "b": "x"}, map[string]any{"a": 0, "keep": true})
	cases := []struct {
		name       string
		fresh      map[string]any
		want       map[string]any
		overridden []string
	}{
		{"unchanged since the plan", map[string]any{"a": 0, "keep": true},
			map[string]any{"a": float64(1), "b": "x", "keep": true}, nil},
		{"an admin added a key", map[string]any{"a": 0, "keep": true, "new": "n"},
			map[string]any{"a": float64(1), "b": "x", "keep": true, "new": "n"}, nil},
		{"an admin removed an undeclared key", map[string]any{"a": 0},
			map[string]any{"a": float64(1), "b": "x"}, nil},
		{"an admin changed declared keys", map[string]any{"a": 7, "b": "y", "keep": true},
			map[string]any{"a": float64(1), "b": "x", "keep": true}, []string{"a", "b"}},
		{"an admin already set the manifest's value", map[string]any{"a": 1.0, "keep": true},
			map[string]any{"a": float64(1), "b": "x", "keep": true}, nil},
		{"deleted object attributes", nil, map[string]any{"a": float64(1), "b": "x"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, over := m.Remerge(tc.fresh)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.overridden, over)
		})
	}
	assert.Nil(t, newObjectMerge(nil, map[string]any{"a": 1}, nil), "no merge when nothing is written")
}
