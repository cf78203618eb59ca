package render

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGitHubAnnotations(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in   Annotation
		want string
	}{
		"at a line":            {Annotation{File: "m.yaml", Line: 5, Col: 5, Message: `unknown field "nmae"`}, "::error file=m.yaml,line=5,col=5::unknown field \"nmae\"\n"},
		"no file":              {Annotation{Message: "read manifest: no such file"}, "::error::read manifest: no such file\n"},
		"percent CR LF":        {Annotation{File: "m.yaml", Line: 1, Col: 1, Message: "100% sure\r\nnext"}, "::error file=m.yaml,line=1,col=1::100%25 sure%0D%0Anext\n"},
		"control characters":   {Annotation{File: "m.yaml", Line: 2, Col: 3, Message: "name \x1b[2K\x1b[1Ahidden"}, "::error file=m.yaml,line=2,col=3::name \\u001b[2K\\u001b[1Ahidden\n"},
		"file with : and ,":    {Annotation{File: "a:b,c.yaml", Line: 1, Col: 1, Message: "x"}, "::error file=a%3Ab%2Cc.yaml,line=1,col=1::x\n"},
		"a message cannot end": {Annotation{File: "m.yaml", Line: 1, Col: 1, Message: "a\n::error::forged"}, "::error file=m.yaml,line=1,col=1::a%0A::error::forged\n"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			require.NoError(t, GitHub(&b, []Annotation{tc.in}))
			assert.Equal(t, tc.want, b.String())
		})
	}
}
