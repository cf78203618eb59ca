package secretdigest

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"gopkg.in/yaml.v3"
)

func TestDigestComparesValuesAsAuthentikStoresThem(t *testing.T) {
	cases := map[string]struct {
		live, value any
		same        bool
	}{
		"same string":              {"tw1l10-auth", "tw1l10-auth", true},
		"trimmed like a CharField": {"tw1l10-auth", " tw1l10-auth\n", true},
		"rotated":                  {"tw1l10-auth", "tw1l10-auth-2", false},
		"same mapping":             {map[string]any{"a": 1.0, "b": "x"}, map[string]any{"b": "x", "a": 1}, true},
		"changed mapping":          {map[string]any{"a": 1.0}, map[string]any{"a": 2}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.same, Same(Of(tc.live), tc.value))
			assert.Equal(t, tc.same, Of(tc.live) == Of(tc.value))
		})
	}
	assert.False(t, Same(nil, ""), "authentik holds none: any declared value differs")
	assert.False(t, Same("tw1l10-auth", "tw1l10-auth"), "a plaintext is never a digest")
}

// Neither the digest nor anything derived from it is printed or encoded.
func TestDigestIsNeverShown(t *testing.T) {
	d := Of("tw1l10-auth")
	sum := hex.EncodeToString(d.sum[:])
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q"} {
		outs = append(outs, fmt.Sprintf(verb, d), fmt.Sprintf(verb, map[string]any{"auth": d}))
	}
	j, err := json.Marshal(map[string]any{"auth": d})
	assert.NoError(t, err)
	assert.JSONEq(t, `{"auth": null}`, string(j))
	y, err := yaml.Marshal(map[string]any{"auth": d})
	assert.NoError(t, err)
	outs = append(outs, string(j), string(y))
	for _, o := range outs {
		assert.NotContains(t, o, sum[:16])
		assert.NotContains(t, o, "tw1l10")
	}
}

// Two different processes' keys: the key is random, never a constant.
func TestKeyIsRandom(t *testing.T) {
	assert.Len(t, key, 32)
	assert.NotEqual(t, make([]byte, 32), key)
}
