// Package pyregex compiles regular expressions the way Python's re module
// accepts them, as far as authentik's regex redirect URIs need: authentik
// validates and matches them with re (authentik/providers/oauth2/api/
// providers.py), which allows lookarounds and backreferences that Go's RE2
// refuses. It uses github.com/dlclark/regexp2 (a backtracking engine) and
// first rewrites Python's named-group spellings, (?P<name>...) and
// (?P=name), into the ones regexp2 reads.
//
// Possessive quantifiers (a*+, a++, a{1,2}+; re has them since Python
// 3.11), which regexp2 refuses, are rewritten into the atomic groups they
// mean (possessive.go); atomic groups (?>…) behave alike in both.
//
// Known gaps: regexp2 follows .NET syntax, so re rejects some .NET-only
// escapes accepted here. Patterns authentik users write for redirect URIs
// (anchors, classes, groups, lookarounds) behave alike.
package pyregex

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/dlclark/regexp2"
)

var (
	namedGroup = regexp.MustCompile(`\(\?P<`)
	namedRef   = regexp.MustCompile(`\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)`)
)

// MatchTimeout bounds one match: a backtracking engine takes exponential
// time on a pattern such as (a+)+$ (catastrophic backtracking), and a
// manifest's redirect URI regex is matched offline, by validate. Tests
// shorten it.
var MatchTimeout = time.Second

// ErrTimeout is wrapped by a match that ran past MatchTimeout.
var ErrTimeout = errors.New("regex match timed out")

// Compile returns the compiled pattern, or re's refusal as an error. Its
// matches stop after MatchTimeout.
func Compile(pattern string) (*regexp2.Regexp, error) {
	p := namedGroup.ReplaceAllString(possessive(pattern), "(?<")
	p = namedRef.ReplaceAllString(p, `\k<$1>`)
	re, err := regexp2.Compile(p, regexp2.None)
	if err != nil {
		return nil, &Error{Pattern: pattern, msg: strings.TrimPrefix(err.Error(), "error parsing regexp: ")}
	}
	re.MatchTimeout = MatchTimeout
	return re, nil
}

// FullMatch reports whether the whole of s matches (re.fullmatch). A match
// past MatchTimeout is an error wrapping ErrTimeout.
func FullMatch(pattern, s string) (bool, error) {
	re, err := Compile(`^(?:` + pattern + `)$`)
	if err != nil {
		return false, err
	}
	ok, err := re.MatchString(s)
	if err != nil {
		return false, timeoutError(fmt.Sprintf("matching %q took over %s (catastrophic backtracking, as with nested quantifiers like (a+)+); simplify the pattern", s, MatchTimeout))
	}
	return ok, nil
}

// timeoutError is a match past MatchTimeout, in one sentence.
type timeoutError string

func (e timeoutError) Error() string        { return string(e) }
func (e timeoutError) Is(target error) bool { return target == ErrTimeout }

// Error is a pattern re would not compile.
type Error struct {
	Pattern string
	msg     string
}

func (e *Error) Error() string { return e.msg }
