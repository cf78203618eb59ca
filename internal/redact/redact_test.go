package redact

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestString(t *testing.T) {
	r := New()
	r.Add("tok-0123456789", "", "ab", "tok-0123456789abc")
	r.AddURL("https://admin:hunter2@auth.example.com/x")
	for _, tc := range []struct{ in, want string }{
		{"token tok-0123456789 here", "token (sensitive) here"},
		{"longer tok-0123456789abc wins", "longer (sensitive) wins"},
		{"short ab kept", "short ab kept"},
		{"GET http://admin:hunter2@host/api", "GET http://(sensitive)@host/api"},
		{`url "https://u@h"`, `url "https://(sensitive)@h"`},
		{"password hunter2 alone", "password (sensitive) alone"},
		{"mail a@b.example is no URL", "mail a@b.example is no URL"},
		{"http://host/path@x keeps path", "http://host/path@x keeps path"},
	} {
		assert.Equal(t, tc.want, r.String(tc.in), tc.in)
	}
	assert.Equal(t, "x://(sensitive)@y", URL("x://u:p@y"))
}

// A secret split across writes is masked: the writer holds back a tail that
// could be its beginning.
func TestWriterSplitSecret(t *testing.T) {
	r := New()
	r.Add("s3cr3t-value")
	var buf bytes.Buffer
	w := NewWriter(&buf, r)
	for _, part := range []string{"a s3c", "r3t-va", "lue b\n", "prompt: s3"} {
		n, err := w.Write([]byte(part))
		require.NoError(t, err)
		assert.Equal(t, len(part), n)
	}
	assert.Equal(t, "a (sensitive) b\nprompt: ", buf.String())
	require.NoError(t, w.Flush())
	assert.Equal(t, "a (sensitive) b\nprompt: s3", buf.String())
}

// Secrets registered after the writer was made are masked from then on.
func TestWriterLateRegistration(t *testing.T) {
	r := New()
	var buf bytes.Buffer
	w := NewWriter(&buf, r)
	_, _ = w.Write([]byte("before tok-abcdef\n"))
	r.Add("tok-abcdef")
	_, _ = w.Write([]byte("after tok-abcdef\n"))
	assert.Equal(t, "before tok-abcdef\nafter (sensitive)\n", buf.String())
}

func TestDisable(t *testing.T) {
	r := New()
	r.Add("tok-abcdef")
	r.Disable()
	assert.Equal(t, "tok-abcdef http://u:p@h", r.String("tok-abcdef http://u:p@h"))
}
