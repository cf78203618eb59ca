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
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Mask replaces a secret value.
const Mask = "(sensitive)"

// minLen is the shortest value registered: masking "a" or "1" everywhere
// would garble output without protecting anything.
const minLen = 4

// Redactor holds the secrets of one run. It is safe for concurrent use.
type Redactor struct {
	mu       sync.RWMutex
	secrets  []string // longest first, so a secret containing another masks whole
	replacer *strings.Replacer
	allowed  []string
	disabled bool
}

// New returns a Redactor that knows no secret yet (it masks URL userinfo).
func New() *Redactor { return &Redactor{} }

// Add registers secret values; empty, short and known values are ignored.
func (r *Redactor) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, v := range values {
		v = strings.TrimSpace(v)
		if len(v) < minLen || slices.Contains(r.allowed, v) {
			continue
		}
		for _, form := range forms(v) {
			if len(form) < minLen || slices.Contains(r.secrets, form) || slices.Contains(r.allowed, form) {
				continue
			}
			r.secrets = append(r.secrets, form)
			changed = true
		}
	}
	if changed {
		r.rebuild()
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
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" || slices.Contains(r.allowed, v) {
			continue
		}
		r.allowed = append(r.allowed, v)
		r.secrets = slices.DeleteFunc(r.secrets, func(s string) bool { return s == v })
	}
	r.rebuild()
}

// rebuild makes the replacer from r.secrets; r.mu is held.
func (r *Redactor) rebuild() {
	if len(r.secrets) == 0 {
		r.replacer = nil
		return
	}
	sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	pairs := make([]string, 0, 2*len(r.secrets))
	for _, s := range r.secrets {
		pairs = append(pairs, s, Mask)
	}
	r.replacer = strings.NewReplacer(pairs...)
}

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

// schemeTailRE matches the start of a URL cut after its first slash.
var schemeTailRE = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.\-]*:/$`)

// maxHeldURL bounds the bytes held back for a URL's authority that has not
// ended yet: an authority is never this long, and output is not delayed
// without end.
const maxHeldURL = 1024

// String returns s with every registered secret and URL userinfo masked.
func (r *Redactor) String(s string) string {
	if r == nil {
		return URL(s)
	}
	r.mu.RLock()
	rep, disabled := r.replacer, r.disabled
	r.mu.RUnlock()
	if disabled {
		return s
	}
	if rep != nil {
		s = rep.Replace(s)
	}
	return URL(s)
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

// heldTail returns how many trailing bytes of s could be the start
// of a registered secret (or of a URL's userinfo still to come).
func (r *Redactor) heldTail(s string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.disabled {
		return 0
	}
	hold := 0
	// A URL whose authority has not ended may still turn out to hold
	// userinfo: hold it from its scheme.
	if i := strings.LastIndex(s, "://"); i >= 0 && !strings.ContainsAny(s[i+3:], authorityEnd) {
		start := i
		for start > 0 && isSchemeByte(s[start-1]) {
			start--
		}
		if n := len(s) - start; n <= maxHeldURL {
			hold = n
		}
	} else if m := schemeTailRE.FindString(s); m != "" {
		hold = len(m) // "http:/" may be followed by "/user:pw@"
	}
	for _, sec := range r.secrets {
		for n := min(len(sec)-1, len(s)); n > hold; n-- {
			if strings.HasSuffix(s, sec[:n]) {
				hold = n
				break
			}
		}
	}
	return hold
}

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
	hold := max(w.r.heldTail(s), controlTail(s))
	w.pending = s[len(s)-hold:]
	out := EscapeControls(w.r.String(s[:len(s)-hold]))
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
