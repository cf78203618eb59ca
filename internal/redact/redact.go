// Package redact masks secrets in everything provision prints. One
// Redactor per run knows the secrets as they become known (the API token,
// sensitive manifest variables, client secrets read from authentik); every
// output stream is wrapped by its Writer, so a secret that reaches a print
// statement by any path is masked there. URL userinfo (user:password@) is
// masked whatever its value.
package redact

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Mask replaces a secret value.
const Mask = "(sensitive)"

// minLen is the shortest value registered: masking "a" or "1" everywhere
// would garble output without protecting anything.
const minLen = 4

// Redactor holds the secrets of one run. It is safe for concurrent use.
//
// Masking costs the same per byte whatever the number of secrets: the
// secrets' forms make one index (trie.go), built again on the first use
// after the secrets change, that rules out almost every position of a
// text with one look-up and finds the forms at the others.
type Redactor struct {
	mu       sync.RWMutex
	secrets  []string        // the forms to mask, in the order registered
	known    map[string]bool // the members of secrets
	allowed  map[string]bool
	index    *index // of secrets; nil when there are none
	stale    bool   // secrets changed since index was built
	disabled bool
	// steps counts the index's steps over every text masked: the
	// measure of masking's cost that tests hold (not wall time).
	steps atomic.Int64
}

// New returns a Redactor that knows no secret yet (it masks URL userinfo).
// The zero Redactor is one too.
func New() *Redactor { return &Redactor{} }

// init makes the maps; r.mu is held.
func (r *Redactor) init() {
	if r.known == nil {
		r.known, r.allowed = map[string]bool{}, map[string]bool{}
	}
}

// Add registers secret values; empty, short and known values are ignored.
func (r *Redactor) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	for _, v := range values {
		v = strings.TrimSpace(v)
		if len(v) < minLen || r.allowed[v] {
			continue
		}
		for _, form := range forms(v) {
			if len(form) < minLen || r.known[form] || r.allowed[form] {
				continue
			}
			r.secrets = append(r.secrets, form)
			r.known[form] = true
			r.stale = true
		}
	}
}

// forms returns v and the forms output gives it: JSON-escaped (with and
// without HTML escaping), Go-quoted, percent-encoded (query and path), and
// each line of a multi-line value (printed on lines of their own, such as
// a plan's multi-line diff).
func forms(v string) []string {
	out := []string{v}
	add := func(f string) {
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if b, err := json.Marshal(v); err == nil {
		add(string(b[1 : len(b)-1]))
	}
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) == nil {
		b := bytes.TrimSpace(plain.Bytes())
		add(string(b[1 : len(b)-1]))
	}
	q := strconv.Quote(v)
	add(q[1 : len(q)-1])
	add(url.QueryEscape(v))
	add(url.PathEscape(v))
	if strings.Contains(v, "\n") {
		for _, line := range strings.Split(v, "\n") {
			if line = strings.TrimSpace(line); len(line) >= minLen && !strings.HasPrefix(line, "-----") {
				add(line)
			}
		}
	}
	return out
}

// Allow exempts values from masking for the rest of the run, even when
// registered: a command whose output IS a secret (env printing a client's
// settings, the file meant to hold them) allows exactly the values it
// prints, and nothing else.
func (r *Redactor) Allow(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" || r.allowed[v] {
			continue
		}
		r.allowed[v] = true
		if r.known[v] {
			delete(r.known, v)
			r.secrets = slices.DeleteFunc(r.secrets, func(s string) bool { return s == v })
			r.stale = true
		}
	}
}

// current returns the index of the secrets (nil when there are none),
// building it if the secrets changed, and whether masking is disabled.
func (r *Redactor) current() (*index, bool) {
	r.mu.RLock()
	x, stale, disabled := r.index, r.stale, r.disabled
	r.mu.RUnlock()
	if !stale {
		return x, disabled
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stale {
		r.index = nil
		if len(r.secrets) > 0 {
			r.index = build(r.secrets)
		}
		r.stale = false
	}
	return r.index, r.disabled
}

// Steps returns the work masking has done so far: look-ups in the index
// of the secrets, summed over every text masked. It grows with the bytes
// masked, not with the number of secrets; tests hold that (cost_test.go,
// and cmd/provision's performance test of a text plan).
func (r *Redactor) Steps() int64 { return r.steps.Load() }

// AddURL registers the password of a URL's userinfo (URLs are masked by
// String anyway; this also catches the password printed on its own).
func (r *Redactor) AddURL(raw string) {
	if m := userinfoRE.FindStringSubmatch(raw); m != nil {
		if _, pw, ok := strings.Cut(m[2], ":"); ok {
			r.Add(pw)
		}
	}
}

// Disable turns masking off. Only tests use it, to prove that their leak
// detector sees a leak when the redactor is bypassed.
func (r *Redactor) Disable() {
	r.mu.Lock()
	r.disabled = true
	r.mu.Unlock()
}

// userinfoRE matches scheme://userinfo@ in a URL. The authority ends at
// "/", "?", "#", white space or quotes; within it, the userinfo runs to the
// last "@" (as net/url reads it), so a password with an unencoded "@" is
// masked whole.
var userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://)([^/?#\s"'<>]+)@`)

// authorityEnd are the bytes that end a URL's authority (see userinfoRE).
const authorityEnd = "/?#\"'<> \t\r\n\v\f"

// maxHeldURL bounds the bytes held back for a URL's authority that has not
// ended yet: an authority is never this long, and output is not delayed
// without end.
const maxHeldURL = 1024

// String returns s with every registered secret and URL userinfo masked.
func (r *Redactor) String(s string) string {
	if r == nil {
		return URL(s)
	}
	out, _ := r.mask(s, false)
	return out
}

// mask returns s with every registered secret and URL userinfo masked,
// and how much of s that covers: all of it, unless hold is set and s ends
// with what could be the beginning of a secret (or of a URL's userinfo)
// that the text to follow may complete. That tail is left for the caller
// to mask with what follows.
//
// Where forms overlap, the one starting first is masked, the longest of
// those starting there (as strings.Replacer with the longest first).
func (r *Redactor) mask(s string, hold bool) (string, int) {
	x, disabled := r.current()
	if disabled {
		return s, len(s)
	}
	cut := len(s)
	if hold {
		cut -= urlTail(s)
	}
	if x == nil {
		return URL(s[:cut]), cut
	}
	var b strings.Builder
	at, steps := 0, 0 // s[:at] is masked into b
	for i := 0; i < cut; {
		var k int
		i, k = x.next(s, i, cut)
		steps += k
		if i == cut {
			break
		}
		n, open, k2 := x.longest(s[i:])
		steps += k2
		if open && hold {
			cut = i // what follows may complete a secret
			break
		}
		if n == 0 {
			i++
			continue
		}
		b.WriteString(s[at:i])
		b.WriteString(Mask)
		i += n
		at = i
	}
	r.steps.Add(int64(steps))
	// A form that began before the URL tail was masked whole: what is
	// left of a URL it began is no URL any more.
	cut = max(cut, at)
	if at == 0 {
		return URL(s[:cut]), cut
	}
	b.WriteString(s[at:cut])
	return URL(b.String()), cut
}

// URL masks the userinfo of every URL in s: http://admin:pw@host becomes
// http://(sensitive)@host.
func URL(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return userinfoRE.ReplaceAllString(s, "${1}"+Mask+"@")
}

func isSchemeByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '.' || c == '-'
}

// urlTail returns how many trailing bytes of s could be a URL whose
// userinfo is still to come.
func urlTail(s string) int {
	// A URL whose authority has not ended may still turn out to hold
	// userinfo: hold it from its scheme. Its "://" is then the last byte
	// that ends an authority (a line's end usually is, found at once).
	if i := strings.LastIndexAny(s, authorityEnd) - 2; i >= 0 && s[i:i+3] == "://" {
		start := i
		for start > 0 && isSchemeByte(s[start-1]) {
			start--
		}
		if n := len(s) - start; n <= maxHeldURL {
			return n
		}
		return 0
	}
	// A scheme cut before its "//" ("http", "http:", "http:/") may be
	// followed by "//user:pw@": hold it (it starts with a letter).
	end := len(s)
	if strings.HasSuffix(s, ":/") {
		end -= 2
	} else if strings.HasSuffix(s, ":") {
		end--
	}
	start, hold := end, 0
	for start > 0 && isSchemeByte(s[start-1]) && len(s)-start < maxHeldURL {
		start--
		if isLetter(s[start]) {
			hold = len(s) - start
		}
	}
	return hold
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// Writer masks secrets in what is written to w, and escapes control and
// bidirectional characters (controls.go). A write that ends with the
// beginning of a registered secret holds those bytes back until the next
// write (or Flush) shows whether the secret follows, so a secret split
// across writes is masked too.
type Writer struct {
	mu      sync.Mutex
	w       io.Writer
	r       *Redactor
	pending string
}

// NewWriter wraps w.
func NewWriter(w io.Writer, r *Redactor) *Writer { return &Writer{w: w, r: r} }

// Write masks p (with any held-back bytes) and writes it. It reports len(p)
// written when the underlying write succeeds.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.pending + string(p)
	// Masked first, then control characters escaped; a tail that may
	// begin a secret or an escape sequence waits for the next write.
	out, n := w.r.mask(s[:len(s)-controlTail(s)], true)
	for ct := controlTail(s[:n]); ct > 0; ct = controlTail(s[:n]) {
		// The part the mask let through ends inside an escape or a
		// character: hold that back too.
		out, n = w.r.mask(s[:n-ct], true)
	}
	w.pending = s[n:]
	out = EscapeControls(out)
	if out == "" {
		return len(p), nil
	}
	if _, err := io.WriteString(w.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes any held-back bytes.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pending == "" {
		return nil
	}
	out := EscapeControls(w.r.String(w.pending))
	w.pending = ""
	_, err := io.WriteString(w.w, out)
	return err
}
