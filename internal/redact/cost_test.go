package redact

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The cost of masking, per byte, does not grow with the number of
// secrets: the plan-like text below (with a secret in some of its lines)
// is written line by line through a writer knowing 10, 1,000 and 10,000
// secrets, and the index's steps are counted (filter look-ups and trie
// children).

// secretsFor returns n random secrets, as authentik's client secrets and
// tokens look (letters and digits), every fourth with characters that
// give it more forms (JSON-escaped, quoted, percent-encoded).
func secretsFor(n int) []string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	out := make([]string, n)
	for i := range out {
		s := randomText(rng, alnum, 40)
		if i%4 == 0 {
			s = s[:10] + `/+"<` + s[14:]
		}
		out[i] = s
	}
	return out
}

// planText returns lines as a text plan prints them, every tenth naming
// one of secrets[:10] (in every form the redactor masks).
func planText(secrets []string) []string {
	var lines []string
	for i := range 1000 {
		lines = append(lines,
			fmt.Sprintf("  # application \"app-%05d\" will be created (scale.yaml:%d:5)\n", i, 2000+i),
			fmt.Sprintf("  + application \"app-%05d\" {\n", i),
			fmt.Sprintf("      + meta_launch_url = \"https://app-%05d.example.com/\"\n", i),
			fmt.Sprintf("      + provider        = provider-%05d\n", i),
			"    }\n")
		if i%10 == 0 {
			f := forms(secrets[i/10%10])
			lines = append(lines, fmt.Sprintf("      ~ client_secret = %q -> %s\n", "x", f[i/10%len(f)]))
		}
	}
	return lines
}

// writeAll writes lines through a writer over a redactor of secrets and
// returns the output and the automaton's steps.
func writeAll(tb testing.TB, secrets, lines []string) (string, int64) {
	r := New()
	r.Add(secrets...)
	var buf bytes.Buffer
	w := NewWriter(&buf, r)
	for _, l := range lines {
		_, err := w.Write([]byte(l))
		require.NoError(tb, err)
	}
	require.NoError(tb, w.Flush())
	return buf.String(), r.steps.Load()
}

func TestCostIndependentOfSecretCount(t *testing.T) {
	all := secretsFor(10_000)
	lines := planText(all)
	size := len(strings.Join(lines, ""))
	perByte := map[int]float64{}
	for _, n := range []int{10, 1_000, 10_000} {
		out, steps := writeAll(t, all[:n], lines)
		perByte[n] = float64(steps) / float64(size)
		t.Logf("%6d secrets: %d steps for %d bytes, %.3f per byte", n, steps, size, perByte[n])
		assert.Equal(t, 100, strings.Count(out, Mask), "%d secrets: the hundred lines with a secret", n)
		for _, s := range all[:10] {
			assert.NotContains(t, out, s[:20])
		}
	}
	// Each byte is one look-up in the filter; a position that passes it
	// by chance (about 1 in 16 at most, whatever the number of secrets:
	// the filter grows with them) costs at most 4 more steps, since no form
	// begins with its 4 bytes.
	for _, n := range []int{1_000, 10_000} {
		assert.LessOrEqual(t, perByte[n], perByte[10]+4.0/16, "%d secrets against 10", n)
	}
}

// BenchmarkRedactWriter writes the text of planText line by line through a
// writer knowing 10, 1,000 and 10,000 secrets; ns/byte is the per-byte
// cost, which should not grow with the secrets (the automaton is built
// before the timer starts).
//
//	go test ./internal/redact -run '^$' -bench RedactWriter
func BenchmarkRedactWriter(b *testing.B) {
	all := secretsFor(10_000)
	lines := planText(all)
	size := len(strings.Join(lines, ""))
	for _, n := range []int{10, 1_000, 10_000} {
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			r := New()
			r.Add(all[:n]...)
			r.String("build the automaton")
			w := NewWriter(io.Discard, r)
			bs := make([][]byte, len(lines))
			for i, l := range lines {
				bs[i] = []byte(l)
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				for _, l := range bs {
					_, _ = w.Write(l)
				}
			}
			_ = w.Flush()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size), "ns/byte")
		})
	}
}
