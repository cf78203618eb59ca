package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"strings"
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

// A secret whose end could begin another is masked whole, wherever the
// writes cut it: the tail held back for the second never splits the first.
func TestWriterOverlappingSecrets(t *testing.T) {
	r := New()
	r.Add("alpha-0001", "0001-beta-secret")
	for _, parts := range [][]string{
		{"x alpha-0001", "\n"},
		{"x alpha-0001\n"},
		{"x alpha-00", "01\n"},
		{"x alpha-0001-beta-secret\n"},
		{"x alpha-", "0001-beta-secret\n"},
	} {
		var buf bytes.Buffer
		w := NewWriter(&buf, r)
		for _, p := range parts {
			_, err := w.Write([]byte(p))
			require.NoError(t, err)
		}
		require.NoError(t, w.Flush())
		assert.Equal(t, r.String(strings.Join(parts, "")), buf.String(), "%q", parts)
		assert.NotContains(t, buf.String(), "alpha", "%q", parts)
	}
	// The first form to start is masked, the longest starting there.
	assert.Equal(t, "x (sensitive)-beta-secret\n", r.String("x alpha-0001-beta-secret\n"))
}

// randomText is n bytes over alphabet.
func randomText(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// What a writer prints is what String makes of the whole text, however the
// text is cut into writes; and String masks as a replacer of every form,
// longest first, would. Secrets and text come from a small alphabet so
// that they overlap and nest often.
func TestWriterMatchesString(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 1))
		alphabet := "ab-"
		if seed%3 == 0 {
			alphabet = "ab-:/@h" // URL userinfo too
		}
		r := New()
		var secrets []string
		for range 1 + rng.IntN(6) {
			s := randomText(rng, "ab-", 4+rng.IntN(5))
			r.Add(s)
			secrets = append(secrets, s)
		}
		text := randomText(rng, alphabet, 200)

		want := reference(secrets, text)
		require.Equal(t, want, r.String(text), "seed %d: secrets %q", seed, secrets)
		var buf bytes.Buffer
		w := NewWriter(&buf, r)
		for rest := text; rest != ""; {
			n := min(len(rest), rng.IntN(12))
			_, err := w.Write([]byte(rest[:n]))
			require.NoError(t, err)
			rest = rest[n:]
		}
		require.NoError(t, w.Flush())
		require.Equal(t, want, buf.String(), "seed %d: secrets %q", seed, secrets)
	}
}

// reference masks as the redactor did before its automaton: one
// strings.Replacer of every form, longest first, then URL userinfo.
func reference(secrets []string, s string) string {
	var all []string
	for _, v := range secrets {
		for _, f := range forms(v) {
			if len(f) >= minLen && !slices.Contains(all, f) {
				all = append(all, f)
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	var pairs []string
	for _, f := range all {
		pairs = append(pairs, f, Mask)
	}
	return URL(strings.NewReplacer(pairs...).Replace(s))
}

// The zero Redactor is ready to use, as New's.
func TestZeroRedactor(t *testing.T) {
	var r Redactor
	r.Allow("printed-value")
	r.Add("tok-abcdef", "printed-value")
	assert.Equal(t, "(sensitive) printed-value", r.String("tok-abcdef printed-value"))
}

// Finding 4 of issue 25: control and bidirectional characters from a
// manifest or a server answer are escaped in every output stream;
// provision's own colours pass.
func TestWriterEscapesControls(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"erase line, cursor up":   {"a\x1b[2K\x1b[1Ab", `a\u001b[2K\u001b[1Ab`},
		"carriage return":         {"x = 1\rx = 2", `x = 1\u000dx = 2`},
		"own colours pass":        {"\x1b[32m+\x1b[0m \x1b[1mbold\x1b[0m", "\x1b[32m+\x1b[0m \x1b[1mbold\x1b[0m"},
		"concealed is not ours":   {"\x1b[8mhidden", `\u001b[8mhidden`},
		"bidi override":           {"ok\u202etxt.exe", `ok\u202etxt.exe`},
		"isolate and C1 CSI":      {"\u2066x\u2069\u009b2K", `\u2066x\u2069\u009b2K`},
		"newline and tab stay":    {"a\n\tb", "a\n\tb"},
		"not UTF-8":               {"a\xffb", `a\xffb`},
		"plain unicode untouched": {"héllo ✓", "héllo ✓"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			// Written whole and byte by byte (an escape or a rune split
			// across writes).
			for _, chunked := range []bool{false, true} {
				var buf bytes.Buffer
				w := NewWriter(&buf, New())
				if chunked {
					for i := 0; i < len(tc.in); i++ {
						_, err := w.Write([]byte{tc.in[i]})
						require.NoError(t, err)
					}
				} else {
					_, err := w.Write([]byte(tc.in))
					require.NoError(t, err)
				}
				require.NoError(t, w.Flush())
				assert.Equal(t, tc.want, buf.String(), "chunked=%v", chunked)
			}
		})
	}
}
