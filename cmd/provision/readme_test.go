package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeQuickstartRuns runs every command of the README's shell
// blocks, in order, as written, and fails on one it does not know how to
// run: the quickstart cannot go stale. The commands run in process, in a
// directory holding a copy of manifests/:
//   - go run ./cmd/provision ARGS and provision ARGS run the CLI (exit 0);
//     "> FILE" writes its standard output there;
//   - provision sandbox runs until the test ends, on a free port instead
//     of 9000 (other tests may hold 9000), and the AUTHENTIK_URL it
//     prints replaces the README's; the AUTHENTIK_URL and AUTHENTIK_TOKEN
//     the README exports for "your authentik" are the sandbox's too;
//   - export sets variables; .ci/run and go install are checked to exist
//     (.ci/run is the whole suite, this test among it).
//
// serial: changes directory (t.Chdir).
func TestReadmeQuickstartRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo and a sandbox")
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	cmds := shellCommands(string(readme))
	require.Greater(t, len(cmds), 15, "the README's commands")

	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "manifests"), 0o755))
	yamls, err := filepath.Glob(filepath.Join(root, "manifests", "*.yaml"))
	require.NoError(t, err)
	for _, y := range yamls {
		b, err := os.ReadFile(y)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "manifests", filepath.Base(y)), b, 0o644))
	}
	t.Chdir(dir)

	env := map[string]string{}
	var sandboxURL, sandboxToken string
	run := func(args []string, stdout *bytes.Buffer) result {
		var errOut bytes.Buffer
		code := run(context.Background(), args, IOStreams{
			In: strings.NewReader(""), Out: stdout, ErrOut: &errOut,
			LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			Random:    rand.Reader,
		})
		return result{out: stdout.String(), err: errOut.String(), code: code}
	}
	ran := 0
	for _, line := range cmds {
		words := shellWords(t, line)
		switch {
		case words[0] == "export":
			for _, kv := range words[1:] {
				k, v, ok := strings.Cut(kv, "=")
				require.True(t, ok, line)
				switch {
				case k == "AUTHENTIK_URL" && sandboxURL != "":
					v = sandboxURL
				case k == "AUTHENTIK_TOKEN" && sandboxToken != "":
					v = sandboxToken
				}
				env[k] = v
			}
		case line == ".ci/run":
			info, err := os.Stat(filepath.Join(root, ".ci/run"))
			require.NoError(t, err)
			assert.NotZero(t, info.Mode()&0o111, ".ci/run is executable")
		case len(words) == 3 && words[0] == "go" && words[1] == "install" && words[2] == "./cmd/provision":
			assert.FileExists(t, filepath.Join(root, "cmd/provision/main.go"))
		case len(words) > 1 && words[0] == "provision" && words[1] == "sandbox":
			sandboxURL, sandboxToken = readmeSandbox(t, append(words[1:], "--addr", "127.0.0.1:0"))
			for i, w := range words {
				if w == "--token" && i+1 < len(words) {
					sandboxToken = words[i+1] // printed as "<the --token value>"
				}
			}
			ran++
		case words[0] == "provision" || (len(words) > 2 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/provision"):
			args := words[1:]
			if words[0] == "go" {
				args = words[3:]
			}
			var to string
			if n := len(args); n > 2 && args[n-2] == ">" {
				args, to = args[:n-2], args[n-1]
			}
			var out bytes.Buffer
			r := run(args, &out)
			require.Equal(t, exitOK, r.code, "README command %q failed:\n%s%s", line, r.out, r.err)
			if to != "" {
				require.NoError(t, os.WriteFile(to, out.Bytes(), 0o644))
			}
			ran++
		default:
			t.Fatalf("README command %q: this test does not know how to run it", line)
		}
	}
	assert.FileExists(t, "manifests/librechat.env", "apply wrote the output")
	assert.FileExists(t, "mine.yaml", "export wrote the file")
	assert.FileExists(t, "plan.md")
	t.Logf("%d README commands run", ran)
}

// readmeSandbox runs provision sandbox until the test ends and returns
// the URL and token it prints.
func readmeSandbox(t *testing.T, args []string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan int)
	go func() {
		done <- run(ctx, args, IOStreams{In: strings.NewReader(""), Out: out, ErrOut: out,
			LookupEnv: func(string) (string, bool) { return "", false }, Random: rand.Reader})
	}()
	t.Cleanup(func() { cancel(); <-done })
	urlRE := regexp.MustCompile(`export AUTHENTIK_URL=(\S+)`)
	tokRE := regexp.MustCompile(`export AUTHENTIK_TOKEN=(\S+)`)
	for i := 0; i < 500; i++ {
		s := out.String()
		if u, tk := urlRE.FindStringSubmatch(s), tokRE.FindStringSubmatch(s); u != nil && tk != nil {
			return u[1], tk[1]
		}
		select {
		case code := <-done:
			t.Fatalf("sandbox exited %d:\n%s", code, s)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("sandbox printed no AUTHENTIK_URL:\n%s", out.String())
	return "", ""
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// shellCommands returns the command lines of a Markdown document's sh
// blocks, comments and blank lines left out.
func shellCommands(md string) []string {
	var out []string
	in := false
	for _, l := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(l, "```sh"):
			in = true
		case strings.HasPrefix(l, "```"):
			in = false
		case in:
			if i := strings.Index(l, " #"); i >= 0 {
				l = l[:i]
			}
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				out = append(out, l)
			}
		}
	}
	return out
}

// shellWords splits a command line as sh would, for the quoting the
// README uses (none, or plain single or double quotes).
func shellWords(t *testing.T, line string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	inWord := false
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		case strings.ContainsRune("$`|&;()<*?", r):
			t.Fatalf("README command %q uses shell syntax this test does not run (%q)", line, r)
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	require.Zero(t, quote, "unterminated quote in %q", line)
	if inWord {
		out = append(out, cur.String())
	}
	return out
}
