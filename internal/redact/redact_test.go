package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestString(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
	r := New()
	var buf bytes.Buffer
	w := NewWriter(&buf, r)
	_, _ = w.Write([]byte("before tok-abcdef\n"))
	r.Add("tok-abcdef")
	_, _ = w.Write([]byte("after tok-abcdef\n"))
	assert.Equal(t, "before tok-abcdef\nafter (sensitive)\n", buf.String())
}

func TestDisable(t *testing.T) {
	t.Parallel()
	r := New()
	r.Add("tok-abcdef")
	r.Disable()
	assert.Equal(t, "tok-abcdef http://u:p@h", r.String("tok-abcdef http://u:p@h"))
}

// A secret is masked in the forms output gives it: JSON-escaped (with or
// without HTML escaping), Go-quoted, percent-encoded, and each line of a
// multi-line secret printed on lines of its own.
func TestEncodedForms(t *testing.T) {
	t.Parallel()
	secret := "pa\"ss\\w<o>rd&x y/z@"
	r := New()
	r.Add(secret)
	js, err := json.Marshal(map[string]string{"v": secret})
	require.NoError(t, err)
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(secret))
	for _, in := range []string{string(js), plain.String(), fmt.Sprintf("%q", secret), url.QueryEscape(secret), url.PathEscape(secret)} {
		got := r.String(in)
		assert.Contains(t, got, Mask, in)
		assert.NotContains(t, got, "w<o>rd", in)
		assert.NotContains(t, got, `w\u003co\u003erd`, in)
		assert.NotContains(t, got, "w%3Co%3Erd", in)
	}
	pem := "-----BEGIN KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END KEY-----"
	r.Add(pem)
	assert.Equal(t, "  + -----BEGIN KEY-----\n  + (sensitive)\n", r.String("  + -----BEGIN KEY-----\n  + MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n"))
}

// URL userinfo that holds an unencoded "@" is masked whole (net/url takes
// the last "@" as the end of the userinfo), and so is userinfo split across
// writes when its password was never registered.
func TestURLUserinfoWhole(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "GET http://(sensitive)@host/x", URL("GET http://admin:p@ss@host/x"))
	assert.Equal(t, "http://host?q=a@b", URL("http://host?q=a@b"))
	r := New()
	var buf bytes.Buffer
	w := NewWriter(&buf, r)
	for _, part := range []string{"open http://admin:hun", "ter2@host/ now\n", "see https://", "x.example/\n", "and http:/", "/u:pw@h/\n"} {
		_, err := w.Write([]byte(part))
		require.NoError(t, err)
	}
	require.NoError(t, w.Flush())
	assert.Equal(t, "open http://(sensitive)@host/ now\nsee https://x.example/\nand http://(sensitive)@h/\n", buf.String())
}
