package dotenv

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrune(t *testing.T) {
	t.Parallel()
	keepA := func(k string) bool { return k == "A" }
	cases := map[string]struct{ in, want string }{
		"NoMarker":            {in: "A=1\nB=2\n", want: "A=1\nB=2\n"},
		"BelowMarker":         {in: "X=0\n# provision: managed below\nA=1\nB=2\n", want: "X=0\n# provision: managed below\nA=1\n"},
		"AboveMarkerKept":     {in: "B=0\n# provision: managed below\nA=1\n", want: "B=0\n# provision: managed below\nA=1\n"},
		"CRLF":                {in: "# provision: managed below\r\nB=2\r\nA=1\r\n", want: "# provision: managed below\r\nA=1\r\n"},
		"LastLineNoNewline":   {in: "# provision: managed below\nA=1\nB=2", want: "# provision: managed below\nA=1\n"},
		"CommentsStay":        {in: "# provision: managed below\n# note\nB=2\nA=1\n", want: "# provision: managed below\n# note\nA=1\n"},
		"QuotedMultilineGoes": {in: "# provision: managed below\nB=\"x\ny\"\nA=1\n", want: "# provision: managed below\nA=1\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, string(Prune([]byte(tc.in), keepA)))
		})
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	out, changed, err := Render([]byte("MINE=1\n# provision: managed below\nOLD=x\nA=0\n"), []Var{{Key: "A", Value: "1"}, {Key: "N", Value: "2"}}, true)
	require.NoError(t, err)
	assert.True(t, changed)
	assert.Equal(t, "MINE=1\n# provision: managed below\nA=1\nN=2\n", string(out))

	same, changed, err := Render(out, []Var{{Key: "A", Value: "1"}, {Key: "N", Value: "2"}}, true)
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Equal(t, out, same)

	_, _, err = Render(nil, []Var{{Key: "A", Value: "a#b"}}, true)
	assert.ErrorContains(t, err, "contains '#'")
}
