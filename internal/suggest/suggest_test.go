package suggest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestClosest(t *testing.T) {
	known := []string{"redirect_uris", "scopes", "sub_mode", "signing_key", "name"}
	cases := map[string]struct {
		in   string
		want string
	}{
		"one letter missing": {"scope", "scopes"},
		"swapped":            {"sub_mdoe", "sub_mode"},
		"case":               {"Redirect_URIs", "redirect_uris"},
		"far away":           {"completely_else", ""},
		"short and far":      {"xy", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, Closest(tc.in, known))
		})
	}
	assert.Equal(t, "", Closest("a", nil))
}
