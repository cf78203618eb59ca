package main

import (
	"crypto/rand"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/provision/provision/internal/redact"
)

// IOStreams are the streams a command reads and writes. Only main builds the
// real ones; tests pass buffers. Commands never touch os.Stdout directly.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// StdinTTY and StdoutTTY say whether the streams are terminals: a prompt
	// needs the first, colour the second.
	StdinTTY  bool
	StdoutTTY bool
	// LookupEnv reads the environment (os.LookupEnv in production).
	LookupEnv func(string) (string, bool)
	// Random is the source of new secrets (crypto/rand.Reader in production).
	Random io.Reader
	// noColor is the root's --no-color flag, shared by every command.
	noColor *bool
	// debug is the root's --debug flag (debug.go).
	debug *bool
	// Redactor masks secrets in Out and ErrOut (set by run, see redact.go).
	Redactor *redact.Redactor
	// deps are the HTTP client, clock and waits (deps.go); tests set them.
	deps deps
	// said, when set, remembers the notes already printed, so a run of
	// several commands (the demo) says each once; nil says them every time.
	said map[string]bool
}

// once reports whether the note keyed by what is still to be said, and
// marks it said.
func (s IOStreams) once(what string) bool {
	if s.said == nil {
		return true
	}
	if s.said[what] {
		return false
	}
	s.said[what] = true
	return true
}

// Getenv returns an environment variable, "" when unset.
func (s IOStreams) Getenv(key string) string {
	v, _ := s.LookupEnv(key)
	return v
}

func systemIO() IOStreams {
	return IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		StdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		LookupEnv: os.LookupEnv,
		Random:    rand.Reader,
	}
}

// colorEnabled reports whether output may carry ANSI colour: only on a
// terminal, and never with --no-color, when NO_COLOR is set
// (https://no-color.org) or when TERM is dumb.
func (s IOStreams) colorEnabled() bool {
	if s.noColor != nil && *s.noColor {
		return false
	}
	return s.StdoutTTY && s.Getenv("NO_COLOR") == "" && s.Getenv("TERM") != "dumb"
}
